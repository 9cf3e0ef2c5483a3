"""Observations and reference for examples/deepxde/diffusion_reaction_rate.phy.

DeepXDE's examples/pinn_inverse/diffusion_reaction_rate.py (arXiv:2111.02801)
solves the boundary value problem

    l u'' = k(x) u + sin(2 pi x) on [0, 1],  u(0) = u(1) = 0,
    l = 0.01,  k(x) = 0.1 + exp(-0.5 (x - 0.5)^2 / 0.15^2),

with scipy's solve_bvp at its default tolerance (1e-3) and observes u at 100
equally spaced points. This script solves it with solve_bvp at tolerance
1e-10 (bc_tol 1e-12) and checks the result against a second-order finite
difference solution on 20,001 points with Richardson extrapolation (they
agree to better than 1e-9; |u| reaches about 1.3).

Writes diffusion_reaction_rate.csv (x, u; the 100 observations) and
diffusion_reaction_rate_reference.csv (x, u; 501 points) into
examples/deepxde/.
"""
from pathlib import Path

import numpy as np
from scipy.integrate import solve_bvp
from scipy.linalg import solve_banded

L = 0.01
OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"


def k(x):
    return 0.1 + np.exp(-0.5 * (x - 0.5) ** 2 / 0.15**2)


def bvp():
    def fun(x, y):
        return np.vstack((y[1], (k(x) * y[0] + np.sin(2 * np.pi * x)) / L))

    def bc(ya, yb):
        return np.array([ya[0], yb[0]])

    x = np.linspace(0, 1, 1001)
    res = solve_bvp(fun, bc, x, np.zeros((2, x.size)), tol=1e-10, bc_tol=1e-12, max_nodes=10**6)
    assert res.success, res.message
    return res.sol


def finite_difference(n):
    """u on n + 1 equally spaced points: l u'' - k u = sin(2 pi x)."""
    x = np.linspace(0, 1, n + 1)
    h = 1.0 / n
    xi = x[1:-1]
    ab = np.zeros((3, n - 1))
    ab[0, 1:] = L / h**2
    ab[1, :] = -2 * L / h**2 - k(xi)
    ab[2, :-1] = L / h**2
    u = np.zeros(n + 1)
    u[1:-1] = solve_banded((1, 1), ab, np.sin(2 * np.pi * xi))
    return x, u


def write(name, x, u):
    with open(OUT / name, "w") as f:
        f.write("x,u\n")
        for xi, ui in zip(x, u):
            f.write(f"{xi:.17g},{ui:.12g}\n")


if __name__ == "__main__":
    sol = bvp()
    xf, uf = finite_difference(20000)
    _, uc = finite_difference(10000)
    richardson = (4 * uf[::2] - uc) / 3
    err = np.abs(sol(xf[::2])[0] - richardson).max()
    assert err < 1e-9, err
    x = np.linspace(0, 1, 100)
    write("diffusion_reaction_rate.csv", x, sol(x)[0])
    x = np.linspace(0, 1, 501)
    write("diffusion_reaction_rate_reference.csv", x, sol(x)[0])
    print("solve_bvp vs Richardson-extrapolated finite differences:", err)
