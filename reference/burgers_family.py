"""Burgers' equation over a range of viscosities, by the Cole-Hopf transform.

The reference of examples/burgers_family.phy, the family over
nu in [0.005/pi, 0.05/pi]: u on a grid of 128 x values and 11 t values (both
ends included) at nu = 0.005/pi, 0.01/pi (Raissi's) and 0.05/pi, in columns
x, t, nu, u. The quadrature is that of reference/burgers_cole_hopf.py, checked
here against one with twice the nodes (agreement to 1e-10). Run from the
repository root:

    python3 reference/burgers_family.py
"""

import numpy as np

from burgers_cole_hopf import burgers

VALUES = [0.005 / np.pi, 0.01 / np.pi, 0.05 / np.pi]


def main():
    grid_x, grid_t = np.meshgrid(np.linspace(-1.0, 1.0, 128), np.linspace(0.0, 1.0, 11))
    grid_x, grid_t = grid_x.ravel(), grid_t.ravel()
    with open("examples/burgers_family_reference.csv", "w") as f:
        f.write("x,t,nu,u\n")
        for nu in VALUES:
            # The narrowest shock (nu = 0.005/pi) needs the finer rule.
            u = burgers(grid_x, grid_t, nu=nu, n=12001)
            finer = burgers(grid_x, grid_t, nu=nu, n=24001)
            assert np.max(np.abs(u - finer)) < 1e-10, np.max(np.abs(u - finer))
            for row in zip(grid_x, grid_t, np.full_like(grid_x, nu), u):
                f.write(",".join(f"{v:.12g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
