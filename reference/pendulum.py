"""Pendulum trajectories for the learned-dynamics examples.

The ideal pendulum q'' = -sin q, with H(q, p) = p^2 / 2 + (1 - cos q) and
p = q'. Six trajectories start at rest at amplitudes spread over
[0.3, 2.5] (energies below the separatrix H = 2: the pendulum swings) and
are integrated over t in [0, 20] with classical RK4 (step 1e-3, energy
drift below 1e-10); states are recorded every 0.1 time units with their
exact time derivatives. Writes

- examples/pendulum.csv: q, p, dq, dp (for the Hamiltonian and plain
  networks);
- examples/pendulum_lagrangian.csv: q, q_t, q_tt (for the Lagrangian one).

Run from the repository root:

    python3 reference/pendulum.py
"""

import math


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


def trajectories():
    rows = []
    for k in range(6):
        q, p = 0.3 + 2.2 * k / 5, 0.0
        e0 = energy(q, p)
        for step in range(20001):
            if step % 100 == 0:
                dq, dp = field(q, p)
                rows.append((q, p, dq, dp))
            q, p = rk4(q, p, 1e-3)
        assert abs(energy(q, p) - e0) < 1e-10
    return rows


def write(path, header, rows):
    with open(path, "w") as f:
        f.write(header + "\n")
        for row in rows:
            f.write(",".join(f"{v:.17g}" for v in row) + "\n")


def main():
    rows = trajectories()
    write("examples/pendulum.csv", "q,p,dq,dp", rows)
    write(
        "examples/pendulum_lagrangian.csv",
        "q,q_t,q_tt",
        [(q, p, dp) for q, p, _, dp in rows],
    )


if __name__ == "__main__":
    main()
