"""Observations for examples/deepxde/fractional_poisson_{1d,2d}_inverse.phy.

DeepXDE's examples/pinn_inverse/fractional_Poisson_1d_inverse.py observes
u = x (1 - x^2)^(a/2) (the solution of (-Laplacian)^(a/2) u = Gamma(a + 2) x
on [-1, 1], u = 0 outside, a = 1.8) at 20 equally spaced points;
fractional_Poisson_2d_inverse.py observes u = (1 - |x|^2)^(1 + a/2) (the
solution of (-Laplacian)^(a/2) u = 2^a Gamma(2 + a/2) Gamma(1 + a/2)
(1 - (1 + a/2)|x|^2) on the unit disk) at 30 random points of the disk
(drawn here uniformly by area with a fixed seed). Exact up to round-off.
Writes fractional_poisson_1d_inverse.csv (x, u) and
fractional_poisson_2d_inverse.csv (x, y, u) into examples/deepxde/.
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"
ALPHA = 1.8


def write(name, header, rows):
    with open(OUT / name, "w") as f:
        f.write(header + "\n")
        for row in rows:
            f.write(",".join(f"{v:.17g}" for v in row) + "\n")


if __name__ == "__main__":
    x = np.linspace(-1, 1, num=20)
    u = x * np.abs(1 - x**2) ** (ALPHA / 2)
    write("fractional_poisson_1d_inverse.csv", "x,u", zip(x, u))

    rng = np.random.default_rng(0)
    r = np.sqrt(rng.uniform(0, 1, 30))
    theta = rng.uniform(0, 2 * np.pi, 30)
    x, y = r * np.cos(theta), r * np.sin(theta)
    u = np.abs(1 - x**2 - y**2) ** (1 + ALPHA / 2)
    write("fractional_poisson_2d_inverse.csv", "x,y,u", zip(x, y, u))
