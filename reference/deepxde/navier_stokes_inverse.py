"""Observations for examples/deepxde/navier_stokes_inverse.phy.

DeepXDE's examples/pinn_inverse/Navier_Stokes_inverse.py (Raissi et al.
2019, section 4.1.1) learns C1 and C2 of

    u_t + C1 (u u_x + v u_y) = -p_x + C2 (u_xx + u_yy),  (same for v),
    u_x + v_y = 0,

true C1 = 1, C2 = 0.01 (Re = 100), from 7,000 observations of (u, v) drawn
at random from the spectral-element simulation of the wake behind a
cylinder in its dataset file cylinder_nektar_wake.mat (Nektar++), restricted
to x in [1, 8], y in [-2, 2], t in [0, 7]. That simulation cannot be
recomputed here, so this script reads the file, given on the command line
(from DeepXDE's examples/dataset/ or Raissi's PINNs repository,
main/Data/), and writes the same kind of draw: 7,000 rows without
replacement (numpy seed 1234), columns x, y, t, u, v. The values are the
simulation's own, rounded to 6 significant digits (relative 5e-7, far below
the simulation's accuracy) to keep the file near 300 KB; the pressure is
left out, as the model does not observe it.

    python reference/deepxde/navier_stokes_inverse.py PATH/cylinder_nektar_wake.mat

writes examples/deepxde/navier_stokes_inverse.csv.
"""
import sys
from pathlib import Path

import numpy as np
from scipy.io import loadmat

OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"
NUM = 7000
DIGITS = 6
SEED = 1234


def load(path):
    data = loadmat(path)
    U = data["U_star"]  # N x 2 x T
    P = data["p_star"]  # N x T
    t = data["t"]  # T x 1
    X = data["X_star"]  # N x 2
    N, T = X.shape[0], t.shape[0]
    xx = np.tile(X[:, 0:1], (1, T)).ravel()
    yy = np.tile(X[:, 1:2], (1, T)).ravel()
    tt = np.tile(t, (1, N)).T.ravel()
    rows = np.stack([xx, yy, tt, U[:, 0, :].ravel(), U[:, 1, :].ravel(), P.ravel()], axis=1)
    keep = (rows[:, 2] <= 7) & (rows[:, 0] >= 1) & (rows[:, 0] <= 8) & (rows[:, 1] >= -2) & (rows[:, 1] <= 2)
    return rows[keep]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: navier_stokes_inverse.py PATH/cylinder_nektar_wake.mat")
    rows = load(sys.argv[1])
    idx = np.random.default_rng(SEED).choice(rows.shape[0], NUM, replace=False)
    with open(OUT / "navier_stokes_inverse.csv", "w") as f:
        f.write("x,y,t,u,v\n")
        for r in rows[np.sort(idx)][:, :5]:
            f.write(",".join(f"{v:.{DIGITS}g}" for v in r) + "\n")
