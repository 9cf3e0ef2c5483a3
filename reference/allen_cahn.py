"""Allen-Cahn reference for examples/allen_cahn.phy.

u_t = 1e-4 u_xx + 5 (u - u^3) on x in [-1, 1], t in [0, 1], periodic in x
(period 2), u(x, 0) = x^2 cos(pi x): the benchmark of Raissi et al., Wight and
Zhao and PirateNets (their AC.mat). Fourier pseudo-spectral in x, ETDRK4 in time
(Kassam and Trefethen 2005: diffusion exact, 5 (u - u^3) the nonlinear part,
coefficients by a contour integral of M = 64 points).

The periodic extension of u(x, 0) has a kink at x = +-1 (slope 2 just right of
-1, -2 just left of 1), so its Fourier coefficients decay only like m^-2.
Started from its values on the grid (as AC.mat was, by chebfun's spin on 511
points), a solve carries an O(1/N) aliasing error that the weak diffusion is
slow to forget: 9e-4 at N = 512 (relative L2 1.2e-5), 4e-4 at N = 1024, near
x = +-1 and early times. So the solve starts from the exact coefficients,
c_m = (I(m + 1) + I(m - 1)) / 4 with I(a) = int x^2 cos(a pi x) dx over
[-1, 1] = 4 (-1)^a / (a pi)^2 (2/3 for a = 0), on N = 2048 points with step
5e-5, and converges spectrally: on the 201 x 512 output grid, halving the step
changes no value by more than 3e-11, doubling N by more than 1.7e-7 (at
t = 0.005; 2e-11 from t = 0.05 on). Both are checked below.

At t = 1, u is -1 (to 2e-3) for |x| >= 0.6, crosses zero at x = +-0.5, is
0.97 to 0.9927 (the maximum, at x = +-0.34) for 0.18 <= |x| <= 0.45, and dips
to 0.0296 at x = 0, where u(x, 0) has a double zero.

Writes examples/allen_cahn_reference.csv: x, t, u for t = 0, 0.005, ..., 1
(201 values) and, for each t, x = -1 + 2j/512, j = 0..511 (x = 1 is x = -1
again; AC.mat is on x = linspace(-1, 1, 512) instead). Run from the repository
root (about 2 minutes, mostly the convergence checks):

    python3 reference/allen_cahn.py
"""

import time

import numpy as np

EPS, GAMMA = 1e-4, 5.0
SAMPLES, T_END = 201, 1.0  # t = 0, 0.005, ..., 1
OUT = 512  # output points in x


def grid(n):
    return -1.0 + 2.0 * np.arange(n) / n


def initial_coefficients(n):
    """rfft of u(x, 0) on the n-point grid without aliasing: n c_m (-1)^m."""
    m = np.arange(n // 2 + 1, dtype=float)

    def integral(a):  # int_{-1}^{1} x^2 cos(a pi x) dx, a an integer
        safe = np.where(a == 0, 1.0, a)
        return np.where(a == 0, 2.0 / 3.0, 4.0 * (-1.0) ** a / (np.pi * safe) ** 2)

    # c_m = (1/2) int u0 cos(m pi x) dx, and cos(pi x) cos(m pi x) is half the
    # sum of cos((m + 1) pi x) and cos((m - 1) pi x).
    v = n * (integral(m + 1) + integral(m - 1)) / 4 * (-1.0) ** m  # (-1)^m: x_0 = -1
    v[-1] = 0.0  # drop the Nyquist mode (its coefficient is ~1e-7)
    return v


def solve(n, dt, exact_start=True, m=64):
    """u at the SAMPLES output times on the OUT-point grid, shape (SAMPLES, OUT)."""
    steps = round(T_END / (SAMPLES - 1) / dt)
    assert abs(steps * dt * (SAMPLES - 1) - T_END) < 1e-12 and n % OUT == 0
    x = grid(n)
    k = np.pi * np.arange(n // 2 + 1)  # rfft wavenumbers for period 2
    lin = -EPS * k * k
    # ETDRK4 coefficients, averaged over M points on a unit circle around each
    # h L so that the phi-functions lose no digits to cancellation near 0.
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

    u0 = x * x * np.cos(np.pi * x)
    v = initial_coefficients(n) if exact_start else np.fft.rfft(u0)
    out = np.empty((SAMPLES, OUT))
    out[0] = u0[:: n // OUT]
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
        out[i] = np.fft.irfft(v, n)[:: n // OUT]
    return out


def main():
    n, dt = 2048, 5e-5
    start = time.perf_counter()
    u = solve(n, dt)
    print(f"N = {n}, dt = {dt:g}: {time.perf_counter() - start:.1f} s")
    d_dt = np.max(np.abs(u - solve(n, dt / 2)))
    d_n = np.abs(u - solve(2 * n, dt)).max(axis=1)
    print(f"max |u(dt) - u(dt/2)| = {d_dt:.1e}; max |u(N) - u(2N)| = {d_n.max():.1e}, "
          f"{d_n[10:].max():.1e} from t = 0.05 on")
    assert d_dt < 1e-10 and d_n.max() < 1e-6 and d_n[10:].max() < 1e-9, (d_dt, d_n.max())
    plain = solve(OUT, dt, exact_start=False) - u
    print(f"N = {OUT} from grid values: max error {np.abs(plain).max():.1e}, "
          f"relative L2 {np.linalg.norm(plain) / np.linalg.norm(u):.1e}")

    x = grid(OUT)
    last = u[-1]
    assert np.abs(u).max() <= 1.0
    print(f"t = 1: max {last.max():.6f} at x = {x[last.argmax()]:+.4f}, "
          f"min {last.min():.6f} at x = {x[last.argmin()]:+.4f}")
    for xi in (-1.0, -0.5, 0.0, 0.5):
        print(f"u({xi:+.1f}, 1) = {last[np.argmin(np.abs(x - xi))]:.10g}")

    t = np.linspace(0.0, T_END, SAMPLES)
    with open("examples/allen_cahn_reference.csv", "w") as f:
        f.write("x,t,u\n")
        for ti, row in zip(t, u):
            f.writelines(f"{xi:.10g},{ti:.10g},{ui:.10g}\n" for xi, ui in zip(x, row))


if __name__ == "__main__":
    main()
