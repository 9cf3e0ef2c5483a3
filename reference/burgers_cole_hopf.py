"""Viscous Burgers' equation by the Cole-Hopf transform.

u_t + u u_x = nu u_xx on [-1, 1] x [0, 1], u(x, 0) = -sin(pi x), u(+-1, t) = 0.
Cole-Hopf gives, with eta = sqrt(4 nu t) z,

    u(x, t) = -int sin(pi (x - eta)) f(x - eta) exp(-z^2) dz / int f(x - eta) exp(-z^2) dz,
    f(y) = exp(-cos(pi y) / (2 pi nu)).

The integrands are smooth and decay like exp(-z^2), so the trapezoidal rule on
z in [-12, 12] converges spectrally; logs are shifted by their maximum so that
f, which spans e^{+-50} for nu = 0.01/pi, never overflows. Halving the step
changes the values by less than 1e-12.

Writes examples/burgers_obs.csv: observations of u at random points (seeded);
examples/burgers_obs_2000.csv and burgers_obs_noisy.csv, 2,000 more, clean and
with Gaussian noise of 1% of u's standard deviation, for
examples/burgers_inverse.phy; and examples/burgers_reference.csv: u on
Raissi's grid (256 x values, 101 t values, both ends included), the reference
that `physc run examples/burgers.phy` measures its error against. Run from the
repository root:

    python3 reference/burgers_cole_hopf.py
"""

import numpy as np

NU = 0.01 / np.pi


def burgers(x, t, nu=NU, n=6001):
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    out = np.empty(np.broadcast(x, t).shape)
    z = np.linspace(-12.0, 12.0, n)
    for index, (xi, ti) in enumerate(zip(np.broadcast_to(x, out.shape).ravel(), np.broadcast_to(t, out.shape).ravel())):
        if ti == 0.0:
            out.flat[index] = -np.sin(np.pi * xi)
            continue
        y = xi - np.sqrt(4.0 * nu * ti) * z
        log_w = -np.cos(np.pi * y) / (2.0 * np.pi * nu) - z * z
        w = np.exp(log_w - log_w.max())
        out.flat[index] = -np.trapezoid(np.sin(np.pi * y) * w, z) / np.trapezoid(w, z)
    return out


def converged(x, t):
    """u at the points, checked against a quadrature twice as fine."""
    u = burgers(x, t)
    finer = burgers(x, t, n=12001)
    assert np.max(np.abs(u - finer)) < 1e-10, np.max(np.abs(u - finer))
    return u


def scattered(rng, n):
    """n uniform random points of the domain and u there."""
    x = rng.uniform(-1.0, 1.0, n)
    t = rng.uniform(0.0, 1.0, n)
    return x, t, converged(x, t)


def main():
    x, t, u = scattered(np.random.default_rng(1234), 1000)
    write("examples/burgers_obs.csv", x, t, u, 17)

    # The inverse problem's data: 2,000 observations, clean and with
    # Gaussian noise of 1% of u's standard deviation (as Raissi et al.).
    rng = np.random.default_rng(2000)
    x, t, u = scattered(rng, 2000)
    write("examples/burgers_obs_2000.csv", x, t, u, 17)
    noisy = u + 0.01 * np.std(u) * rng.standard_normal(len(u))
    write("examples/burgers_obs_noisy.csv", x, t, noisy, 17)

    grid_x, grid_t = np.meshgrid(np.linspace(-1.0, 1.0, 256), np.linspace(0.0, 1.0, 101))
    grid_x, grid_t = grid_x.ravel(), grid_t.ravel()
    write("examples/burgers_reference.csv", grid_x, grid_t, converged(grid_x, grid_t), 12)


def write(path, x, t, u, digits):
    with open(path, "w") as f:
        f.write("x,t,u\n")
        for row in zip(x, t, u):
            f.write(",".join(f"{v:.{digits}g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
