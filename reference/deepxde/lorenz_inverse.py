"""Observations for examples/deepxde/lorenz_inverse.phy.

DeepXDE's examples/pinn_inverse/Lorenz_inverse.py reads 25 observations of
the Lorenz system

    y1' = C1 (y2 - y1),  y2' = y1 (C2 - y3) - y2,  y3' = y1 y2 - C3 y3,

with C1 = 10, C2 = 15, C3 = 8/3 and y(0) = (-8, 7, 27), over t in [0, 3],
from its dataset file Lorenz.npz (irregular times, values good to about
1e-2). This script computes them independently with scipy's solve_ivp
(DOP853, rtol = atol = 1e-12: the values are accurate to about 1e-9, checked
against a run with tolerances 1e-13), at 25 equally spaced times, and a
denser reference of 301 times for the relative L2 error.

Writes lorenz_inverse.csv (t, y1, y2, y3; 25 rows) and
lorenz_inverse_reference.csv (301 rows) into examples/deepxde/.
"""
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

C1, C2, C3 = 10.0, 15.0, 8.0 / 3.0
Y0 = [-8.0, 7.0, 27.0]
OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"


def rhs(t, y):
    return [C1 * (y[1] - y[0]), y[0] * (C2 - y[2]) - y[1], y[0] * y[1] - C3 * y[2]]


def solve(times, tol=1e-12):
    sol = solve_ivp(rhs, (0.0, 3.0), Y0, t_eval=times, method="DOP853", rtol=tol, atol=tol)
    assert sol.success
    return sol.y.T


def write(name, times):
    y = solve(times)
    err = np.abs(y - solve(times, 1e-13)).max()
    assert err < 1e-7, err
    with open(OUT / name, "w") as f:
        f.write("t,y1,y2,y3\n")
        for t, row in zip(times, y):
            f.write(f"{t:.6g},{row[0]:.10g},{row[1]:.10g},{row[2]:.10g}\n")


if __name__ == "__main__":
    write("lorenz_inverse.csv", np.linspace(0.0, 3.0, 25))
    write("lorenz_inverse_reference.csv", np.linspace(0.0, 3.0, 301))
