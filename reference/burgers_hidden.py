"""Observations for examples/burgers_hidden.phy (hidden physics).

Burgers' equation u_t = -u u_x + nu u_xx with nu = 0.1 (smooth, as in
Raissi's deep hidden physics models), u(x, 0) = -sin(pi x) on [-1, 1] x
[0, 1], solved by the Cole-Hopf transform of reference/burgers_cole_hopf.py
(converged to 1e-12). Writes examples/burgers_hidden_obs.csv: u at 2,000
random points (seeded). Run from the repository root:

    python3 reference/burgers_hidden.py
"""

import numpy as np

from burgers_cole_hopf import burgers

NU = 0.1


def main():
    rng = np.random.default_rng(4321)
    n = 2000
    x = rng.uniform(-1.0, 1.0, n)
    t = rng.uniform(0.0, 1.0, n)
    u = burgers(x, t, nu=NU)
    finer = burgers(x[:50], t[:50], nu=NU, n=12001)
    assert np.max(np.abs(finer - u[:50])) < 1e-12
    with open("examples/burgers_hidden_obs.csv", "w") as f:
        f.write("x,t,u\n")
        for row in zip(x, t, u):
            f.write(",".join(f"{v:.17g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
