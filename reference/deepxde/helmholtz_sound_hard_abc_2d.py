"""Reference for examples/deepxde/helmholtz_sound_hard_abc_2d.phy.

Scattering of the plane wave u_inc = exp(i k0 x), k0 = 2, by a sound-hard
disk of radius a = pi/4: the scattered field u solves lap(u) + k0^2 u = 0
outside the disk with d(u + u_inc)/dr = 0 on r = a and the radiation
condition at infinity. Its series (the one DeepXDE's script evaluates in
`sound_hard_circle_deepxde`) is

    u = -sum_n i^n J_n'(k0 a) / H_n'(k0 a) H_n(k0 r) exp(i n theta),

with J_n Bessel functions and H_n Hankel functions of the first kind. This
script sums n = -N..N with scipy's jv/jvp and hankel1/h1vp (DeepXDE sums
n = -31..30). Accuracy: N = 40 and N = 60 agree to 1e-15 (the terms fall like
(k0 a / 2)^{2|n|} / (|n|!)^2; checked below), and the sum satisfies the
Helmholtz equation (by a fourth-order finite difference with h = 1e-3,
to 1e-9) and the hole's Neumann condition (to 1e-12) at sample points,
also checked below. Values are written to 10 significant digits.

This is the free-space solution: the model truncates the plane to the square
[-pi, pi]^2 with a first-order absorbing condition du/dn = i k0 u, which this
solution satisfies only approximately (on the face x = pi, du/dn - i k0 u is
23% of du/dn in the L2 norm), so even a model that solved its own equations
exactly would differ from it. DeepXDE measures against the same series.

Writes runtime/tests/data/scattering_series.csv: x, y, u_re, u_im on the
points of a 71 x 71 grid of the square outside the disk; the test of
physc's Bessel functions (runtime/tests/bessel.rs) compares the series
written in `.phy` with it. The example's reference is the solution of its
own problem, by finite elements (helmholtz_sound_hard_abc_fem.py): 6.9% from
this series.

Run from the repository root:

    .venv/bin/python reference/deepxde/helmholtz_sound_hard_abc_2d.py
"""

import numpy as np
from scipy.special import h1vp, hankel1, jvp

K0 = 2.0
A = np.pi / 4


def scattered(x, y, terms=40):
    r = np.hypot(x, y)
    theta = np.arctan2(y, x)
    u = np.zeros(np.shape(x), dtype=complex)
    for n in range(-terms, terms + 1):
        u -= (1j) ** n * jvp(n, K0 * A) / h1vp(n, K0 * A) * hankel1(n, K0 * r) * np.exp(1j * n * theta)
    return u


def main():
    rng = np.random.default_rng(0)
    # Convergence in the number of terms.
    px, py = rng.uniform(-np.pi, np.pi, (2, 500))
    keep = np.hypot(px, py) > A
    px, py = px[keep], py[keep]
    change = np.abs(scattered(px, py, 40) - scattered(px, py, 60)).max()
    print(f"largest change from N = 40 to N = 60: {change:.1e}")
    assert change < 1e-12
    # Helmholtz residual by a fourth-order five-point stencil in each direction.
    h = 1e-3
    qx, qy = px[np.hypot(px, py) > A + 0.01], py[np.hypot(px, py) > A + 0.01]

    def d2(f, ex, ey):
        return (
            -f(qx + 2 * h * ex, qy + 2 * h * ey)
            + 16 * f(qx + h * ex, qy + h * ey)
            - 30 * f(qx, qy)
            + 16 * f(qx - h * ex, qy - h * ey)
            - f(qx - 2 * h * ex, qy - 2 * h * ey)
        ) / (12 * h * h)

    residual = d2(scattered, 1, 0) + d2(scattered, 0, 1) + K0**2 * scattered(qx, qy)
    print(f"largest Helmholtz residual (finite differences): {np.abs(residual).max():.1e}")
    assert np.abs(residual).max() < 1e-6
    # Sound-hard circle: d(u + u_inc)/dr = 0 at r = a.
    theta = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    dr = 0.0
    for n in range(-40, 41):
        dr -= (1j) ** n * jvp(n, K0 * A) / h1vp(n, K0 * A) * K0 * h1vp(n, K0 * A) * np.exp(1j * n * theta)
    cx, cy = A * np.cos(theta), A * np.sin(theta)
    dr_inc = 1j * K0 * np.cos(theta) * np.exp(1j * K0 * cx)
    print(f"largest d(u + u_inc)/dr on the circle: {np.abs(dr + dr_inc).max():.1e}")
    assert np.abs(dr + dr_inc).max() < 1e-10
    # The grid.
    g = np.linspace(-np.pi, np.pi, 71)
    gx, gy = np.meshgrid(g, g, indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    keep = np.hypot(gx, gy) > A
    gx, gy = gx[keep], gy[keep]
    u = scattered(gx, gy)
    with open("runtime/tests/data/scattering_series.csv", "w") as out:
        out.write("# Sound-hard disk scattering, Bessel-Hankel series, reference/deepxde/helmholtz_sound_hard_abc_2d.py\n")
        out.write("x,y,u_re,u_im\n")
        for row in zip(gx, gy, u.real, u.imag):
            out.write(",".join(f"{v:.10g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
