"""Observations for examples/deepxde/elliptic_inverse_field.phy and
elliptic_inverse_field_batch.phy.

DeepXDE's examples/pinn_inverse/elliptic_inverse_field.py observes
u = sin(pi x), the solution of -u'' + q = 0 with q = -pi^2 sin(pi x), at
100 equally spaced points of [-1, 1]; elliptic_inverse_field_batch.py at
10,000 (fed to the loss 100 at a time). Exact up to round-off (the batch
file's values are written to 10 significant digits to keep it under
300 KB). Writes elliptic_inverse_field.csv and
elliptic_inverse_field_batch.csv (x, u) into examples/deepxde/.
"""
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"


def write(name, num, fmt):
    x = np.linspace(-1, 1, num)
    u = np.sin(np.pi * x)
    with open(OUT / name, "w") as f:
        f.write("x,u\n")
        for xi, ui in zip(x, u):
            f.write(f"{xi:{fmt}},{ui:{fmt}}\n")


if __name__ == "__main__":
    write("elliptic_inverse_field.csv", 100, ".17g")
    write("elliptic_inverse_field_batch.csv", 10000, ".10g")
