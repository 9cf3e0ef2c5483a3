"""Observations for examples/deepxde/lorenz_inverse_forced.phy.

DeepXDE's examples/pinn_inverse/Lorenz_inverse_forced.py integrates the
Lorenz system with an exogenous input in the third equation,

    y1' = C1 (y2 - y1),  y2' = y1 (C2 - y3) - y2,
    y3' = y1 y2 - C3 y3 + f(t),  f(t) = 10 sin(2 pi t),

with C1 = 10, C2 = 15, C3 = 8/3 and y(0) = (-8, 7, 27), by odeint at 200
equally spaced times over [0, 3], with f given by a thin-plate RBF through
its 200 samples. This script integrates the same system with f in closed
form by scipy's solve_ivp (DOP853, rtol = atol = 1e-12: accurate to about
1e-9, checked against tolerances 1e-13) at the same 200 times.

Writes lorenz_inverse_forced.csv (t, y1, y2, y3; 200 rows) into
examples/deepxde/.
"""
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

C1, C2, C3 = 10.0, 15.0, 8.0 / 3.0
Y0 = [-8.0, 7.0, 27.0]
OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"


def rhs(t, y):
    return [
        C1 * (y[1] - y[0]),
        y[0] * (C2 - y[2]) - y[1],
        y[0] * y[1] - C3 * y[2] + 10.0 * np.sin(2.0 * np.pi * t),
    ]


def solve(times, tol=1e-12):
    sol = solve_ivp(rhs, (0.0, 3.0), Y0, t_eval=times, method="DOP853", rtol=tol, atol=tol)
    assert sol.success
    return sol.y.T


if __name__ == "__main__":
    times = np.linspace(0.0, 3.0, 200)
    y = solve(times)
    err = np.abs(y - solve(times, 1e-13)).max()
    assert err < 1e-7, err
    with open(OUT / "lorenz_inverse_forced.csv", "w") as f:
        f.write("t,y1,y2,y3\n")
        for t, row in zip(times, y):
            f.write(f"{t:.10g},{row[0]:.10g},{row[1]:.10g},{row[2]:.10g}\n")
