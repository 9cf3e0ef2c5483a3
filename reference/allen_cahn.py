"""Allen-Cahn reference for examples/allen_cahn.phy.

u_t = 1e-4 u_xx + 5 (u - u^3) on x in [-1, 1], t in [0, 1], periodic in x
(period 2), u(x, 0) = x^2 cos(pi x): the benchmark of Raissi et al., Wight and
Zhao and PirateNets (their AC.mat: 512 x values, 201 t values). Fourier
pseudo-spectral in x on N = 512 points x_j = -1 + 2j/N, ETDRK4 in time (Kassam
and Trefethen 2005, coefficients by a contour integral of M = 64 points) with
step 1e-5; diffusion is the linear part, 5 (u - u^3) the nonlinear one.

Checked below on the 201 x 512 output grid: halving the step changes no value
by more than 1e-12 (measured 2.6e-14), and doubling N (compared at the shared
points) by more than 1e-8 (measured 2.7e-12). At t = 1, u is about -0.9993 at
x = +-1 and +-0.5 and about -0.9989 at x = 0, with plateaus of +0.9707 (the
maximum) near x = +-0.25; the minimum is -0.99935, as in AC.mat.

Writes examples/allen_cahn_reference.csv: x, t, u for t = 0, 0.005, ..., 1
(201 values) and, for each t, the 512 x_j (x = 1 is x = -1 again). Run from
the repository root (about 30 s, all three solves):

    python3 reference/allen_cahn.py
"""

import time

import numpy as np

EPS, GAMMA = 1e-4, 5.0
SAMPLES = 201  # t = 0, 0.005, ..., 1
T_END = 1.0


def grid(n):
    return -1.0 + 2.0 * np.arange(n) / n


def solve(n, dt, m=64):
    """u on the n-point grid at the SAMPLES output times, shape (SAMPLES, n)."""
    steps = round(T_END / (SAMPLES - 1) / dt)
    assert abs(steps * dt * (SAMPLES - 1) - T_END) < 1e-12
    x = grid(n)
    k = np.pi * np.arange(n // 2 + 1)  # wavenumbers of rfft for period 2
    lin = -EPS * k * k
    # ETDRK4 coefficients, averaged over M points on a unit circle around each
    # h*L so that the phi-functions lose no digits to cancellation near 0.
    r = np.exp(1j * np.pi * (np.arange(1, m + 1) - 0.5) / m)
    lr = dt * lin[:, None] + r[None, :]
    e, e2 = np.exp(dt * lin), np.exp(dt * lin / 2)
    q = dt * np.real(np.mean((np.exp(lr / 2) - 1) / lr, axis=1))
    f1 = dt * np.real(np.mean((-4 - lr + np.exp(lr) * (4 - 3 * lr + lr**2)) / lr**3, axis=1))
    f2 = dt * np.real(np.mean((2 + lr + np.exp(lr) * (lr - 2)) / lr**3, axis=1))
    f3 = dt * np.real(np.mean((-4 - 3 * lr - lr**2 + np.exp(lr) * (4 - lr)) / lr**3, axis=1))

    def nonlinear(v):
        u = np.fft.irfft(v, n)
        return np.fft.rfft(GAMMA * (u - u**3))

    u = x * x * np.cos(np.pi * x)
    v = np.fft.rfft(u)
    out = np.empty((SAMPLES, n))
    out[0] = u
    for i in range(1, SAMPLES):
        for _ in range(steps):
            nv = nonlinear(v)
            a = e2 * v + q * nv
            na = nonlinear(a)
            b = e2 * v + q * na
            nb = nonlinear(b)
            c = e2 * a + q * (2 * nb - nv)
            nc = nonlinear(c)
            v = e * v + f1 * nv + 2 * f2 * (na + nb) + f3 * nc
        out[i] = np.fft.irfft(v, n)
    return out


def main():
    n, dt = 512, 1e-5
    start = time.perf_counter()
    u = solve(n, dt)
    print(f"N = {n}, dt = {dt:g}: {time.perf_counter() - start:.1f} s")
    half = solve(n, dt / 2)
    fine = solve(2 * n, dt)[:, ::2]
    d_dt, d_n = np.max(np.abs(u - half)), np.max(np.abs(u - fine))
    print(f"max |u(dt) - u(dt/2)| = {d_dt:.2e}, max |u(N) - u(2N)| = {d_n:.2e}")
    assert d_dt < 1e-12 and d_n < 1e-8, (d_dt, d_n)

    x = grid(n)
    last = u[-1]
    print(f"t = 1: max {last.max():.6f} at x = {x[last.argmax()]:+.4f}, min {last.min():.6f}")
    for xi in (-1.0, -0.5, 0.0, 0.5):
        print(f"u({xi:+.1f}, 1) = {last[np.argmin(np.abs(x - xi))]:.10g}")

    t = np.linspace(0.0, T_END, SAMPLES)
    with open("examples/allen_cahn_reference.csv", "w") as f:
        f.write("x,t,u\n")
        for ti, row in zip(t, u):
            f.writelines(f"{xi:.10g},{ti:.10g},{ui:.10g}\n" for xi, ui in zip(x, row))


if __name__ == "__main__":
    main()
