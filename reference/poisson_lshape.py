"""Poisson L-shape reference for examples/poisson_lshape.phy.

-(u_xx + u_yy) = 1 on the L-shape [-1, 1]^2 minus (0, 1]^2 (the upper-right
quarter removed), u = 0 on the whole boundary: DeepXDE's Poisson_Lshape. The
re-entrant corner at the origin (interior angle 3 pi / 2) makes u behave like
c r^(2/3) sin(2 theta / 3) there, so u is not smooth and low-order methods
lose their order.

Method: the 5-point finite-difference Laplacian on the uniform grids of
spacing h = 1/n, n = 100, 200, 400, 800 (n a multiple of 50 so that every grid
holds the output points), solved directly (scipy's SuperLU), then Richardson
extrapolation on the nodes common to the grids. The singularity pollutes the
whole domain: at every fixed point, far from the corner too, the error is
c1 h^(4/3) + c2 h^2 + ..., not O(h^2): the observed order of the plain
solutions is 1.33 to 1.34 for r >= 0.25 and r >= 0.5 (the max differences
shrink by 2^(4/3) = 2.52 per halving), 1.40 to 1.47 for the max over all
points (set next to the corner, not yet asymptotic there); pointwise median
1.38. So a first extrapolation removes h^(4/3) (divisor 2^(4/3) - 1); what is
left converges with order 2.00 (pointwise order 1.99 to 2.01 on 90 % of the
points; 2.5 in the max, which sits next to the corner), and a second
extrapolation removes h^2. The output is that double extrapolation of
n = 200, 400, 800. The same one from n = 100, 200, 400 differs from it by at
most 3.8e-6 (next to the corner; 1.3e-8 for r >= 0.25), relative L2 7.9e-7
over the output points: a conservative estimate of the error of what is
written. Against the output, the plain n = 800 solution is off by 5.4e-5
(relative L2 4.3e-5), the h^(4/3)-extrapolated one by 2.1e-6 (6.9e-7).

u is symmetric in y = x (checked on every grid, to 1e-13). Its maximum is
0.1494124 at x = y = -0.3311 (parabola through the extrapolated values on the
diagonal of the 1/200 grid; the 1/100 grid gives 0.14941247 at -0.33111); on
the output grid the largest value is 0.1493861, at (-0.32, -0.34) and
(-0.34, -0.32). u(-0.5, -0.5) = 0.131052962, u(-0.5, 0) = 0.135754354.

Writes examples/poisson_lshape_reference.csv: x, y, u on the points
x, y = -1 + k/50 (k = 0..100) of the closed L-shape (7701 points: none with
x > 0 and y > 0; boundary points included, u = 0 there), x fastest, then y.
Run from the repository root (needs numpy and scipy; about 20 s and 2.7 GB of
memory, mostly the n = 800 solve):

    python3 reference/poisson_lshape.py
"""

import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

NS = (100, 200, 400, 800)  # grid spacings 1/n, each a multiple of OUT
OUT = 50  # output spacing 1/OUT
P1, P2 = 4.0 / 3.0, 2.0  # leading error orders: corner pollution, then smooth


def coordinates(n):
    return (np.arange(2 * n + 1) - n) / n  # -1, -1 + 1/n, ..., 1


def in_lshape(x, y):
    """Closed L-shape: the square less the points with x > 0 and y > 0."""
    return ~((x > 0) & (y > 0))


def interior(n):
    """Mask of the unknowns on the (2n+1)^2 grid, indexed [i, j] = (x_i, y_j)."""
    i, j = np.meshgrid(np.arange(2 * n + 1), np.arange(2 * n + 1), indexing="ij")
    square = (i > 0) & (i < 2 * n) & (j > 0) & (j < 2 * n)
    return square & ~((i >= n) & (j >= n))  # x >= 0 and y >= 0: removed or boundary


def solve(n):
    """The 5-point solution on the (2n+1)^2 grid, 0 on the boundary and outside."""
    inside = interior(n)
    count = int(inside.sum())
    index = -np.ones(inside.shape, dtype=np.int64)
    index[inside] = np.arange(count)
    ii, jj = np.nonzero(inside)
    rows, cols, vals = [np.arange(count)], [np.arange(count)], [np.full(count, 4.0)]
    for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nb = index[ii + di, jj + dj]  # boundary neighbours (u = 0) drop out
        ok = nb >= 0
        rows.append(np.nonzero(ok)[0])
        cols.append(nb[ok])
        vals.append(-np.ones(ok.sum()))
    a = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(count, count))
    b = np.full(count, 1.0 / n**2)  # (4 u - neighbours) / h^2 = 1
    v = spla.spsolve(a, b, permc_spec="MMD_AT_PLUS_A")
    assert np.abs(a @ v - b).max() < 1e-13  # entries ~ 4, |v| < 0.15
    u = np.zeros(inside.shape)
    u[inside] = v
    return u


def restrict(u, n, m):
    """Values of the 1/n-grid array u on the coarser 1/m grid (m divides n)."""
    s = n // m
    return u[::s, ::s]


def richardson(coarse, fine, p):
    """Removes the h^p term from two solutions on h and h/2."""
    return fine + (fine - coarse) / (2**p - 1)


def rel_l2(e, u):
    return np.linalg.norm(e) / np.linalg.norm(u)


def convergence(name, sols, radius):
    """Prints max |u_h - u_{h/2}| over the output points and the observed orders."""
    d = [sols[k + 1] - sols[k] for k in range(len(sols) - 1)]
    print(name)
    for far in (0.0, 0.25, 0.5):
        m = radius >= far
        dm = [np.abs(e[m]).max() for e in d]
        orders = " ".join(f"{np.log2(a / b):5.2f}" for a, b in zip(dm, dm[1:]))
        print(f"  r >= {far:4.2f}: max diffs " + " ".join(f"{x:.2e}" for x in dm)
              + f"; orders {orders}")
    big = np.abs(d[-1]) > 1e-9
    q = np.quantile(np.log2(np.abs(d[-2][big] / d[-1][big])), [0.05, 0.5, 0.95])
    print(f"  pointwise order (last pair): 5 %, 50 %, 95 % quantiles "
          f"{q[0]:.2f} {q[1]:.2f} {q[2]:.2f}")
    return d


def maximum(u, n):
    """Max of u and its x = y, by a parabola through the best three nodes of the
    diagonal of the 1/n grid (u is symmetric in y = x, so the top is on it)."""
    d = np.diagonal(u)
    i = int(np.argmax(d))
    assert u.max() - d[i] < 1e-4 / n**2  # no node off the diagonal is much higher
    curv = d[i - 1] - 2 * d[i] + d[i + 1]
    shift = 0.5 * (d[i - 1] - d[i + 1]) / curv
    return d[i] - 0.125 * (d[i - 1] - d[i + 1]) ** 2 / curv, (i + shift - n) / n


def main():
    sols, total = {}, time.perf_counter()
    for n in NS:
        start = time.perf_counter()
        u = solve(n)
        asym = np.abs(u - u.T).max()  # u is symmetric in y = x
        assert asym < 1e-11, asym
        sols[n] = u
        seconds = time.perf_counter() - start
        print(f"n = {n:4d}: {int(interior(n).sum()):8d} unknowns, {seconds:5.1f} s, "
              f"max u {u.max():.8f}, max |u(x, y) - u(y, x)| {asym:.0e}")

    x = coordinates(OUT)
    xx, yy = np.meshgrid(x, x, indexing="ij")
    radius = np.hypot(xx, yy)
    keep = in_lshape(xx, yy)
    plain = [restrict(sols[n], n, OUT) for n in NS]
    convergence("plain 5-point solutions, n = 100 .. 800:", plain, radius)
    once = [richardson(a, b, P1) for a, b in zip(plain, plain[1:])]
    convergence("h^(4/3) removed, from n = (100, 200) .. (400, 800):", once, radius)
    twice = [richardson(a, b, P2) for a, b in zip(once, once[1:])]
    u, prev = twice[-1], twice[-2]  # from n = 200, 400, 800; and from 100, 200, 400

    err = (u - prev)[keep]
    far = (radius >= 0.25)[keep]
    print(f"estimated error of the output (|u(200,400,800) - u(100,200,400)|): "
          f"max {np.abs(err).max():.1e} ({np.abs(err[far]).max():.1e} for r >= 0.25), "
          f"relative L2 {rel_l2(err, u[keep]):.1e}")
    for name, v in (("plain n = 800", plain[-1]), ("h^(4/3) extrapolated", once[-1])):
        e = (v - u)[keep]
        print(f"{name}: max error {np.abs(e).max():.1e}, relative L2 {rel_l2(e, u[keep]):.1e}")
    assert np.abs(err).max() < 1e-5 and rel_l2(err, u[keep]) < 1e-5

    # The maximum, from the same extrapolation on the 1/200 grid (and 1/100).
    for m in NS[1::-1]:
        fine = [restrict(sols[n], n, m) for n in NS[1:]]
        top = richardson(richardson(fine[0], fine[1], P1), richardson(fine[1], fine[2], P1), P2)
        peak, at = maximum(top, m)
        print(f"max u = {peak:.8f} at x = y = {at:.5f} "
              f"(parabola on the diagonal of the 1/{m} grid)")
    k = np.unravel_index(np.argmax(np.where(keep, u, -1.0)), u.shape)
    print(f"max on the output grid: {u[k]:.8f} at ({x[k[0]]:+.2f}, {x[k[1]]:+.2f}) and its mirror")
    for px, py in ((-0.5, -0.5), (0.5, -0.5), (-0.5, 0.0), (-0.02, -0.02)):
        i, j = round((px + 1) * OUT), round((py + 1) * OUT)
        print(f"u({px:+.2f}, {py:+.2f}) = {u[i, j]:.10g}")

    with open("examples/poisson_lshape_reference.csv", "w") as f:
        f.write("x,y,u\n")
        for j, yj in enumerate(x):
            f.writelines(f"{xi:.10g},{yj:.10g},{u[i, j]:.10g}\n"
                         for i, xi in enumerate(x) if keep[i, j])
    print(f"wrote {int(keep.sum())} points; total {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
