"""Observations for examples/deepxde/diffusion_1d_inverse.phy.

DeepXDE's examples/pinn_inverse/diffusion_1d_inverse.py observes the
solution u = sin(pi x) exp(-t) of u_t = C u_xx - exp(-t) (sin(pi x) -
pi^2 sin(pi x)) (true C = 1) at 10 equally spaced points of x in [-1, 1] at
t = 1. Exact up to round-off. Writes diffusion_1d_inverse.csv (x, t, u)
into examples/deepxde/.
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"

if __name__ == "__main__":
    x = np.linspace(-1, 1, num=10)
    t = np.ones_like(x)
    u = np.sin(np.pi * x) * np.exp(-t)
    with open(OUT / "diffusion_1d_inverse.csv", "w") as f:
        f.write("x,t,u\n")
        for row in zip(x, t, u):
            f.write(",".join(f"{v:.17g}" for v in row) + "\n")
