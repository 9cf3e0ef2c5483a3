"""Observations for examples/deepxde/reaction_inverse.phy.

DeepXDE's examples/pinn_inverse/reaction_inverse.py learns kf and D of the
reaction-diffusion system

    ca_t = 1e-3 D ca_xx - kf ca cb^2,  cb_t = 1e-3 D cb_xx - 2 kf ca cb^2

on x in [0, 1], t in [0, 10], with ca = cb = 1 - x on x = 0, 1 and
ca = cb = exp(-20 x) at t = 0, from observations of ca and cb on a
201 x 201 grid read from its dataset file reaction.npz. That data follows
kf = 0.1, D = 2: this script's solution with those values matches it to
2.5e-3 (the file's own accuracy), other values (kf = 0.05, D = 1, ...) miss
it by 2e-2 to 1e-1.

This script solves the system independently by the method of lines: second
order central differences on 1,601 points in x, integrated by scipy's BDF
with rtol = 1e-10, atol = 1e-12, and again on 801 points; the two differ by
6e-6 (second order: the finer is good to about 2e-6), and the Richardson
extrapolation of the two, written here, to well below that.

Writes reaction_inverse.csv (x, t, ca, cb) on a 51 x 51 grid (x and t every
1/50 of their ranges: 2,601 rows, where DeepXDE uses 40,401) into
examples/deepxde/.
"""
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp
from scipy.sparse import diags, bmat, identity

KF, D = 0.1, 2.0
OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"
T = np.linspace(0.0, 10.0, 51)


def solve(n):
    """ca, cb on the n + 1 grid points of x at the times T."""
    x = np.linspace(0.0, 1.0, n + 1)
    h = 1.0 / n
    m = n - 1
    lap = diags([np.ones(m - 1), -2 * np.ones(m), np.ones(m - 1)], [-1, 0, 1]) / h**2
    left = np.zeros(m)
    left[0] = 1.0 / h**2  # the boundary value 1 at x = 0 (0 at x = 1)

    def rhs(t, y):
        a, b = y[:m], y[m:]
        r = KF * a * b**2
        return np.concatenate([1e-3 * D * (lap @ a + left) - r, 1e-3 * D * (lap @ b + left) - 2 * r])

    sparsity = bmat([[lap != 0, identity(m)], [identity(m), lap != 0]])
    y0 = np.concatenate([np.exp(-20 * x[1:-1])] * 2)
    sol = solve_ivp(rhs, (0.0, 10.0), y0, t_eval=T, method="BDF", rtol=1e-10, atol=1e-12,
                    jac_sparsity=sparsity)
    assert sol.success
    ca = np.zeros((len(T), n + 1))
    cb = np.zeros((len(T), n + 1))
    ca[:, 0] = cb[:, 0] = 1.0
    ca[:, 1:-1] = sol.y[:m].T
    cb[:, 1:-1] = sol.y[m:].T
    return ca, cb


if __name__ == "__main__":
    fine_a, fine_b = solve(1600)
    coarse_a, coarse_b = solve(800)
    fine_a, fine_b = fine_a[:, ::2], fine_b[:, ::2]
    print("801 vs 1601 points:", max(np.abs(fine_a - coarse_a).max(), np.abs(fine_b - coarse_b).max()))
    ca = (4 * fine_a - coarse_a) / 3
    cb = (4 * fine_b - coarse_b) / 3
    x = np.linspace(0.0, 1.0, 801)
    with open(OUT / "reaction_inverse.csv", "w") as f:
        f.write("x,t,ca,cb\n")
        for i, t in enumerate(T):
            for j in range(0, 801, 16):
                f.write(f"{x[j]:.6g},{t:.6g},{ca[i, j]:.10g},{cb[i, j]:.10g}\n")
