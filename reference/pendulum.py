"""Pendulum trajectories for examples/pendulum_hnn.phy.

H(q, p) = p^2 / 2 + (1 - cos q), so dq/dt = p and dp/dt = -sin q. Trajectories
start at random energies and are integrated with classical RK4 (step 1e-3,
energy drift below 1e-10); states are recorded every 0.1 time units with their
exact time derivatives. Run from the repository root:

    python3 reference/pendulum.py
"""

import math
import random


def field(q, p):
    return p, -math.sin(q)


def rk4(q, p, h):
    k1 = field(q, p)
    k2 = field(q + h / 2 * k1[0], p + h / 2 * k1[1])
    k3 = field(q + h / 2 * k2[0], p + h / 2 * k2[1])
    k4 = field(q + h * k3[0], p + h * k3[1])
    return (
        q + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
        p + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]),
    )


def energy(q, p):
    return p * p / 2 + (1 - math.cos(q))


def main():
    rng = random.Random(42)
    rows = []
    for _ in range(25):
        # Energies below the separatrix (H = 2): the pendulum swings.
        q, p = rng.uniform(-2.0, 2.0), rng.uniform(-1.0, 1.0)
        e0 = energy(q, p)
        for step in range(2001):
            if step % 100 == 0:
                dq, dp = field(q, p)
                rows.append((q, p, dq, dp))
            q, p = rk4(q, p, 1e-3)
        assert abs(energy(q, p) - e0) < 1e-10
    with open("examples/pendulum.csv", "w") as f:
        f.write("q,p,dq,dp\n")
        for row in rows:
            f.write(",".join(f"{v:.17g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
