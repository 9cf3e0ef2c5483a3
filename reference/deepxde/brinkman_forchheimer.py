"""Observations for examples/deepxde/brinkman_forchheimer.phy.

DeepXDE's examples/pinn_inverse/brinkman_forchheimer.py observes the closed
form solution of the Brinkman-Forchheimer equation

    -nu_e/eps u'' + nu u/K = g on [0, H],  u(0) = u(H) = 0,

with g = 1, nu = 1e-3, eps = 0.4, H = 1 and the true nu_e = K = 1e-3,

    u(x) = g K/nu (1 - cosh(r (x - H/2)) / cosh(r H/2)),  r = sqrt(nu eps/(nu_e K)),

at 5 equally spaced points x = 1/6, ..., 5/6 (numpy's
linspace(1/(num + 1), 1, num, endpoint = False) with num = 5). Exact up to
round-off. Writes brinkman_forchheimer.csv (x, u) into examples/deepxde/.
"""
from pathlib import Path

import numpy as np

g, nu, eps, H = 1.0, 1e-3, 0.4, 1.0
nu_e, K = 1e-3, 1e-3
OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"


def sol(x):
    r = np.sqrt(nu * eps / (nu_e * K))
    return g * K / nu * (1 - np.cosh(r * (x - H / 2)) / np.cosh(r * H / 2))


if __name__ == "__main__":
    num = 5
    x = np.linspace(1 / (num + 1), 1, num, endpoint=False)
    with open(OUT / "brinkman_forchheimer.csv", "w") as f:
        f.write("x,u\n")
        for xi, ui in zip(x, sol(x)):
            f.write(f"{xi:.17g},{ui:.17g}\n")
