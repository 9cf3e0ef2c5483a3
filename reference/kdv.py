"""KdV reference (Raissi et al.'s KdV.mat benchmark).

u_t + u u_x + 0.0025 u_xxx = 0 on x in [-1, 1], t in [0, 1], periodic in x
(period 2), u(x, 0) = cos(pi x). Fourier pseudo-spectral in x, ETDRK4 in time
(Kassam and Trefethen 2005): the dispersion -0.0025 (ik)^3 = 0.0025 i k^3 is
integrated exactly, -(u^2)_x / 2 is the nonlinear part, with 2/3 dealiasing
(modes |m| > N/3 of the product are dropped). The linear operator is imaginary,
so the phi-functions are complex and are averaged over M = 64 points on the
whole unit circle around each h L (no real part taken, unlike Allen-Cahn).

u(x, 0) is a single Fourier mode, so the grid start is exact. The cosine
steepens at x = 0.5 (where the inviscid Burgers solution would break, at
t = 1/pi) and breaks into a train of pulses; the tallest are sech^2-like with
width about sqrt(12 * 0.0025 / 2.2) = 0.12, whose spectrum has fallen below
1e-17 by mode N/3 = 341 at N = 1024 (the default, step 2e-5). On the
201 x 512 output grid, halving the step changes no value by more than 5.4e-12
and doubling N by more than 1.6e-15; both are checked below, as are the KdV
invariants int u, int u^2 and int (u^3/6 - 0.0025 u_x^2 / 2), which drift by
at most 1.5e-16, 1.6e-12 and 6.4e-14.

At t = 1 there are three pulses, peaks 2.159201 at x = 0.4258, 1.335 at
x = -0.109 and 0.451 at x = -0.602, and the minimum is -0.652869 at
x = 0.1445; the largest value over the whole run is 2.309151 (t = 0.7,
x = 0.359). Against KdV.mat itself (main/Data/KdV.mat of
github.com/maziarraissi/PINNs, uu on the same 512 x 201 grid), the unrounded
solution differs by at most 1.7e-11 (relative L2 5e-12); the CSV, rounded to
10 significant digits, by at most 5.1e-10. Pass the path of a KdV.mat to
repeat that comparison (needs scipy):

    python3 reference/kdv.py path/to/KdV.mat

Writes examples/kdv_reference.csv: x, t, u for t = 0, 0.005, ..., 1 (201
values) and, for each t, x = -1 + 2j/512, j = 0..511 (x = 1 is x = -1
again; KdV.mat is on 512 points of [-1, 1) as well). Run from the repository
root (25 to 50 seconds, mostly the convergence checks):

    python3 reference/kdv.py
"""

import sys
import time

import numpy as np

DELTA = 0.0025  # dispersion coefficient of u_xxx
SAMPLES, T_END = 201, 1.0  # t = 0, 0.005, ..., 1
OUT = 512  # output points in x


def grid(n):
    return -1.0 + 2.0 * np.arange(n) / n


def wavenumbers(n):
    """rfft wavenumbers for period 2 (pi m), and the 2/3 dealiasing mask."""
    m = np.arange(n // 2 + 1)
    return np.pi * m, m <= n // 3


def etdrk4_coefficients(lin, dt, m=64):
    """e^{hL}, e^{hL/2} and the ETDRK4 weights, each for every wavenumber.

    The phi-functions are averaged over m points on the unit circle around each
    h L, so that they lose no digits to cancellation where h L is near 0.
    """
    r = np.exp(2j * np.pi * (np.arange(1, m + 1) - 0.5) / m)
    lr = dt * lin[:, None] + r[None, :]
    e, e2 = np.exp(dt * lin), np.exp(dt * lin / 2)
    q = dt * np.mean((np.exp(lr / 2) - 1) / lr, axis=1)
    f1 = dt * np.mean((-4 - lr + np.exp(lr) * (4 - 3 * lr + lr**2)) / lr**3, axis=1)
    f2 = dt * np.mean((2 + lr + np.exp(lr) * (lr - 2)) / lr**3, axis=1)
    f3 = dt * np.mean((-4 - 3 * lr - lr**2 + np.exp(lr) * (4 - lr)) / lr**3, axis=1)
    return e, e2, q, f1, f2, f3


def solve(n, dt):
    """u at the SAMPLES output times on the OUT-point grid, shape (SAMPLES, OUT),
    and the spectra (rfft of the n-point grid values) at those times."""
    steps = round(T_END / (SAMPLES - 1) / dt)
    assert abs(steps * dt * (SAMPLES - 1) - T_END) < 1e-12 and n % OUT == 0
    k, keep = wavenumbers(n)
    lin = 1j * DELTA * k**3  # -DELTA (ik)^3
    e, e2, q, f1, f2, f3 = etdrk4_coefficients(lin, dt)
    g = np.where(keep, -0.5j * k, 0.0)  # -(1/2) ik, dealiased; Nyquist dropped

    def nonlinear(v):
        u = np.fft.irfft(v, n)
        return g * np.fft.rfft(u * u)

    u0 = np.cos(np.pi * grid(n))
    v = np.fft.rfft(u0)
    out = np.empty((SAMPLES, OUT))
    spectra = np.empty((SAMPLES, n // 2 + 1), dtype=complex)
    out[0], spectra[0] = u0[:: n // OUT], v
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
        out[i], spectra[i] = np.fft.irfft(v, n)[:: n // OUT], v
    return out, spectra


def invariants(v, n):
    """int u, int u^2 and the Hamiltonian int (u^3/6 - DELTA u_x^2 / 2) over a period."""
    k, _ = wavenumbers(n)
    u = np.fft.irfft(v, n)
    ux = np.fft.irfft(1j * k * v, n)
    w = 2.0 / n  # trapezoid rule = exact for trigonometric polynomials of low degree
    return np.array([w * u.sum(), w * (u * u).sum(), w * (u**3 / 6 - DELTA * ux**2 / 2).sum()])


def main():
    n, dt = 1024, 2e-5
    start = time.perf_counter()
    u, spectra = solve(n, dt)
    print(f"N = {n}, dt = {dt:g}: {time.perf_counter() - start:.1f} s")

    d_dt = np.max(np.abs(u - solve(n, dt / 2)[0]))
    d_n = np.max(np.abs(u - solve(2 * n, dt)[0]))
    print(f"max |u(dt) - u(dt/2)| = {d_dt:.1e}; max |u(N) - u(2N)| = {d_n:.1e}")
    assert d_dt < 1e-10 and d_n < 1e-10, (d_dt, d_n)

    tail = np.abs(spectra[:, n // 3 - 20 : n // 3 + 1]).max() / n
    print(f"largest Fourier coefficient in modes N/3 - 20 .. N/3: {tail:.1e}")
    drift = np.array([invariants(v, n) for v in spectra])
    drift = np.abs(drift - drift[0]).max(axis=0)
    print("invariant drift (int u, int u^2, Hamiltonian): "
          + ", ".join(f"{d:.1e}" for d in drift))
    assert tail < 1e-13 and drift.max() < 1e-10, (tail, drift)

    x = grid(OUT)
    for j in (100, SAMPLES - 1):
        row = u[j]
        print(f"t = {j * T_END / (SAMPLES - 1):g}: max {row.max():.6f} at x = "
              f"{x[row.argmax()]:+.4f}, min {row.min():.6f} at x = {x[row.argmin()]:+.4f}")
    j, i = np.unravel_index(u.argmax(), u.shape)
    print(f"largest u: {u[j, i]:.6f} at t = {j * T_END / (SAMPLES - 1):g}, x = {x[i]:+.4f}")
    for xi in (-1.0, -0.5, 0.0, 0.5):
        print(f"u({xi:+.1f}, 1) = {u[-1][np.argmin(np.abs(x - xi))]:.10g}")

    if len(sys.argv) > 1:  # compare with Raissi et al.'s KdV.mat (uu is x by t)
        from scipy.io import loadmat

        mat = loadmat(sys.argv[1])
        assert np.array_equal(mat["x"].ravel(), x) and mat["uu"].shape == (OUT, SAMPLES)
        diff = u - mat["uu"].T
        print(f"vs {sys.argv[1]}: max |diff| {np.abs(diff).max():.1e}, "
              f"relative L2 {np.linalg.norm(diff) / np.linalg.norm(u):.1e}")

    t = np.linspace(0.0, T_END, SAMPLES)
    with open("examples/kdv_reference.csv", "w") as f:
        f.write("x,t,u\n")
        for ti, row in zip(t, u):
            f.writelines(f"{xi:.10g},{ti:.10g},{ui:.10g}\n" for xi, ui in zip(x, row))


if __name__ == "__main__":
    main()
