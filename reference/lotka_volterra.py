"""Lotka-Volterra reference for examples/lotka_volterra.phy.

r' = alpha r - beta r f, f' = delta r f - gamma f, r(0) = 2, f(0) = 1, with
alpha = 1, beta = 0.5, delta = 0.2, gamma = 0.6, on t in [0, 8]. Classical RK4
with step 2e-4; halving the step changes no value by more than 1e-12 (checked
below), and the invariant delta r - gamma log r + beta f - alpha log f drifts
by less than 1e-12. Writes examples/lotka_volterra_reference.csv (t, r, f at
201 times). Run from the repository root:

    python3 reference/lotka_volterra.py
"""

import math

ALPHA, BETA, DELTA, GAMMA = 1.0, 0.5, 0.2, 0.6
T_END, SAMPLES = 8.0, 201


def rates(r, f):
    return ALPHA * r - BETA * r * f, DELTA * r * f - GAMMA * f


def trajectory(steps_per_sample):
    h = T_END / (SAMPLES - 1) / steps_per_sample
    r, f = 2.0, 1.0
    rows = [(0.0, r, f)]
    for k in range(1, SAMPLES):
        for _ in range(steps_per_sample):
            k1 = rates(r, f)
            k2 = rates(r + h / 2 * k1[0], f + h / 2 * k1[1])
            k3 = rates(r + h / 2 * k2[0], f + h / 2 * k2[1])
            k4 = rates(r + h * k3[0], f + h * k3[1])
            r += h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
            f += h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
        rows.append((k * T_END / (SAMPLES - 1), r, f))
    return rows


def invariant(r, f):
    return DELTA * r - GAMMA * math.log(r) + BETA * f - ALPHA * math.log(f)


def main():
    rows = trajectory(400)
    finer = trajectory(800)
    change = max(max(abs(a[1] - b[1]), abs(a[2] - b[2])) for a, b in zip(rows, finer))
    assert change < 1e-12, change
    drift = max(abs(invariant(r, f) - invariant(2.0, 1.0)) for _, r, f in rows)
    assert drift < 1e-12, drift
    with open("examples/lotka_volterra_reference.csv", "w") as out:
        out.write("t,r,f\n")
        for t, r, f in rows:
            out.write(f"{t!r},{r!r},{f!r}\n")
    print(f"step halving changes {change:.1e}; invariant drift {drift:.1e}")


if __name__ == "__main__":
    main()
