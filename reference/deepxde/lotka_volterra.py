"""Reference for examples/deepxde/lotka_volterra.phy.

DeepXDE's Lotka-Volterra problem, scaled by ub = 200 (populations) and
rb = 20 (time): on t in [0, 1],

    r' = rb/ub (2 ub r - 0.04 ub^2 r p),  p' = rb/ub (0.02 ub^2 r p - 1.06 ub p),
    r(0) = 100/ub, p(0) = 15/ub.

DeepXDE's script plots against scipy's solve_ivp with its default tolerances
(RK45, rtol 1e-3) at 100 equispaced times; this script integrates the same
system by DOP853 with rtol = atol = 1e-13 at the same times. Accuracy:
loosening to 1e-12 changes no value by more than 3e-11 (checked below), and
the invariant 0.02 ub r - 1.06 log r + 0.04 ub p - 2 log p stays constant to
1e-11. Values are written to 12 significant digits.

Writes examples/deepxde/lotka_volterra_reference.csv (t, r, p). Run from the
repository root:

    .venv/bin/python reference/deepxde/lotka_volterra.py
"""

import numpy as np
from scipy.integrate import solve_ivp

UB, RB = 200.0, 20.0


def rates(_, state):
    r, p = state
    return [
        RB / UB * (2.0 * UB * r - 0.04 * UB * r * UB * p),
        RB / UB * (0.02 * UB * r * UB * p - 1.06 * UB * p),
    ]


def solve(tol, t):
    sol = solve_ivp(rates, (0.0, 1.0), [100.0 / UB, 15.0 / UB], method="DOP853", t_eval=t, rtol=tol, atol=tol)
    assert sol.success, sol.message
    return sol.y


def main():
    t = np.linspace(0.0, 1.0, 100)
    r, p = solve(1e-13, t)
    r2, p2 = solve(1e-12, t)
    change = max(np.abs(r - r2).max(), np.abs(p - p2).max())
    print(f"largest change from tolerance 1e-13 to 1e-12: {change:.1e}")
    assert change < 1e-10
    invariant = 0.02 * UB * r - 1.06 * np.log(r) + 0.04 * UB * p - 2.0 * np.log(p)
    drift = np.abs(invariant - invariant[0]).max()
    print(f"drift of the invariant: {drift:.1e}")
    assert drift < 1e-9
    with open("examples/deepxde/lotka_volterra_reference.csv", "w") as out:
        out.write("# Lotka-Volterra (DeepXDE's scaling), DOP853 at tolerance 1e-13, reference/deepxde/lotka_volterra.py\n")
        out.write("t,r,p\n")
        for row in zip(t, r, p):
            out.write(",".join(f"{v:.12g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
