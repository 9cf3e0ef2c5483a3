"""Damped pendulum trajectories for the neural ODE example.

q' = p, p' = -sin q - GAMMA p. Six training trajectories and three
held-out ones start at the states listed below and are integrated over
t in [0, 10] with classical RK4 at step 1e-3; states are recorded every
0.1 time units. The same integration at step 5e-4 differs by less than
1e-13 (printed), so the recorded states are exact to about that. Writes

- examples/damped_pendulum.csv: t, q, p (the six training trajectories,
  one after another: t restarts at 0 with each);
- examples/damped_pendulum_heldout.csv: t, q, p (the three held out).

Run from the repository root:

    python3 reference/damped_pendulum.py
"""

import math

GAMMA = 0.2
TRAIN = [(1.0, 0.0), (2.0, 0.0), (-1.5, 0.5), (0.5, 1.2), (-2.2, -0.3), (0.0, -1.5)]
HELDOUT = [(1.5, 0.0), (-0.8, 1.0), (0.3, -0.9)]
T_END, EVERY = 10.0, 0.1


def field(q, p):
    return p, -math.sin(q) - GAMMA * p


def rk4(q, p, h):
    k1 = field(q, p)
    k2 = field(q + h / 2 * k1[0], p + h / 2 * k1[1])
    k3 = field(q + h / 2 * k2[0], p + h / 2 * k2[1])
    k4 = field(q + h * k3[0], p + h * k3[1])
    return (
        q + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
        p + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]),
    )


def trajectory(q, p, h):
    per = round(EVERY / h)
    rows = []
    for step in range(round(T_END / h) + 1):
        if step % per == 0:
            rows.append((step * h, q, p))
        q, p = rk4(q, p, h)
    return rows


def trajectories(starts, h):
    return [row for q, p in starts for row in trajectory(q, p, h)]


def write(path, rows):
    with open(path, "w") as f:
        f.write("t,q,p\n")
        for row in rows:
            f.write(",".join(f"{v:.17g}" for v in row) + "\n")


if __name__ == "__main__":
    for name, starts in [("damped_pendulum", TRAIN), ("damped_pendulum_heldout", HELDOUT)]:
        rows = trajectories(starts, 1e-3)
        finer = trajectories(starts, 5e-4)
        error = max(abs(a - b) for r, s in zip(rows, finer) for a, b in zip(r[1:], s[1:]))
        print(f"{name}: {len(rows)} rows, step-halving difference {error:.1e}")
        write(f"examples/{name}.csv", rows)
