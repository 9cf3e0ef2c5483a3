"""Advection-diffusion past a circular obstacle: finite-difference reference.

c_t + vx c_x + vy c_y = D (c_xx + c_yy), D = 0.05, on [0, 2] x [0, 1] minus the
closed disk of centre (0.5, 0.5) and radius a = 0.15, t in [0, 1]. The velocity
is potential flow past the cylinder (U = 1): with X = x - 0.5, Y = y - 0.5,
r2 = X^2 + Y^2, vx = 1 - a^2 (X^2 - Y^2) / r2^2, vy = -2 a^2 X Y / r2^2.
c = 0 at t = 0; c = sin(pi t / 2)^2 on the rim r = a (a smooth start); c = 0 at the inflow x = 0;
c_y = 0 on the walls y = 0, 1; c_x = 0 at the outflow x = 2.

Method: the uniform grid of spacing h = 1/n, central differences for advection
and diffusion; next to the rim the Shortley-Weller stencil with the exact
distance from the node to where its grid line meets the circle (the rim value
imposed there; nodes with r <= a, including the four on the circle, are not
unknowns), so the geometry is second order, with no staircase. The Neumann
sides mirror a ghost node (both arms reach the same neighbour, advection drops
out). In time BDF2 (one backward Euler step to start), dt = h/4; the matrix is
constant, so it is factorised once per grid (scipy's SuperLU) and only the rim
value changes with t. The solution is symmetric in y = 1/2 (checked: 1e-14).
Grids n = 40, 80, 160, 320. The cell Peclet number h |v| / D is at most 0.96
on the nodes of the coarsest grid (|v| < 2 off the rim), so the central
differences stay monotone (all stencil weights positive).

Accuracy, at the output points (c is in [0, 0.9717]): successive grids differ by
at most 3.5e-3, 9.1e-4, 2.3e-4, observed order 1.96 and 1.98 in the max
(t = 0.5 to 1; 1.89 and 1.93 at t = 0.25), pointwise order 1.90 to 2.02 (5 %
and 95 % quantiles, median 1.98). With dt proportional to h the time error
(BDF2, dt^2) is part of the same h^2 term; on its own it is small: halving dt
on the n = 160 grid changes no value by more than 1.7e-6. So the output is the
Richardson value (4 c_320 - c_160) / 3, about 7.7e-5 from the plain n = 320
solution. The same extrapolation from n = 80, 160 differs from it by at most
2.6e-5 (next to the rim), a conservative bound of the error of what is written.

The front barely reaches the outflow by t = 1: max c on x = 2 is 8e-5 at
t = 0.75, 2.7e-3 at t = 1. Upstream, diffusion against the flow (length
D / U = 0.05) leaves at most 2.5e-3 at x = 0.05.

Writes examples/advection_obstacle_reference.csv: x, y, t, c at t = 0.25, 0.5,
0.75, 1 on the nodes x = 0, 0.05, ..., 2, y = 0, 0.05, ..., 1 outside the disk
(r > a + 1e-9; 832 points per time, 3328 rows), x fastest, then y, then t.
Run from the repository root (needs numpy and scipy; about 65 s and 0.7 GB,
most of it the n = 320 solve):

    python3 reference/advection_obstacle.py
"""

import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

A, D = 0.15, 0.05  # radius (centre (0.5, 0.5)), diffusivity
NS = (40, 80, 160, 320)  # h = 1/n, n a multiple of OUT
OUT = 20  # output spacing 1/OUT
TIMES = (0.25, 0.5, 0.75, 1.0)
STEPS_PER_N = 4  # dt = h / 4


def velocity(X, Y):
    """Potential flow past the cylinder at the offsets X, Y from its centre."""
    r4 = (X * X + Y * Y) ** 2
    return 1.0 - A * A * (X * X - Y * Y) / r4, -2.0 * A * A * X * Y / r4


def rim(t):
    return np.sin(np.pi * t / 2.0) ** 2


def offsets(n):
    """X = x - 0.5, Y = y - 0.5 of the 1/n grid nodes, [i, j] = (x_i, y_j), each
    rounded once (n even): exact mirror images, and |Y| = a exactly on the lines
    tangent to the circle, so no half chord of size sqrt(eps) appears there."""
    return np.meshgrid((np.arange(2 * n + 1) - n // 2) / n, (np.arange(n + 1) - n // 2) / n,
                       indexing="ij")


def assemble(n):
    """L and r with dc/dt = L c + rim(t) r for the unknowns; index maps nodes to them."""
    h = 1.0 / n
    xx, yy = offsets(n)
    solid = xx**2 + yy**2 <= A * A * (1 + 1e-12)
    unknown = ~solid
    unknown[0, :] = False  # inflow, c = 0
    count = int(unknown.sum())
    index = -np.ones(xx.shape, dtype=np.int64)
    index[unknown] = np.arange(count)
    ii, jj = np.nonzero(unknown)
    px, py = xx[ii, jj], yy[ii, jj]
    vel = velocity(px, py)
    rows, cols, vals = [np.arange(count)], [np.arange(count)], []
    diag, r, peclet, arm = np.zeros(count), np.zeros(count), 0.0, 1.0
    for axis, top, p, q in ((0, 2 * n, px, py), (1, n, py, px)):
        v, k = vel[axis], (ii, jj)[axis]
        step = np.array([(1, 0), (0, 1)][axis])
        lo = k == 0  # only y = 0 (x = 0 is no unknown)
        hi = k == top
        mirror = lo | hi
        # Neighbours below and above along this axis; a Neumann side mirrors.
        below = [ii - step[0] + 2 * step[0] * lo, jj - step[1] + 2 * step[1] * lo]
        above = [ii + step[0] - 2 * step[0] * hi, jj + step[1] - 2 * step[1] * hi]
        s_lo, s_hi = solid[tuple(below)], solid[tuple(above)]
        half = np.sqrt(np.maximum((A - np.abs(q)) * (A + np.abs(q)), 0.0))  # half chord
        hl = np.where(s_lo, np.abs(p) - half, h)  # exact arm to the circle
        hr = np.where(s_hi, np.abs(p) - half, h)
        arm = min(arm, hl.min() / h, hr.min() / h)
        peclet = max(peclet, np.abs(v).max() * h / D)
        # Shortley-Weller: c'' ~ 2/(hl+hr) ((cE-cP)/hr - (cP-cW)/hl), and the
        # three-point c' ~ (hl^2 cE - hr^2 cW + (hr^2 - hl^2) cP) / (hl hr (hl+hr)).
        wl = np.where(mirror, D / h**2, (2 * D + v * hr) / (hl * (hl + hr)))
        wr = np.where(mirror, D / h**2, (2 * D - v * hl) / (hr * (hl + hr)))
        assert wl.min() > 0 and wr.min() > 0  # monotone: cell Peclet below 2
        diag -= 2 * D / (hl * hr) + np.where(mirror, 0.0, v * (hr - hl) / (hl * hr))
        for w, nb, sol in ((wl, below, s_lo), (wr, above, s_hi)):
            idx = index[tuple(nb)]
            ok = idx >= 0  # solid: rim value into r; x = 0: c = 0, drops out
            rows.append(np.nonzero(ok)[0])
            cols.append(idx[ok])
            vals.append(w[ok])
            r += np.where(sol, w, 0.0)
    vals.insert(0, diag)
    L = sp.csc_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                      shape=(count, count))
    return L, r, index, solid, peclet, arm


def solve(n, steps_per_n=STEPS_PER_N):
    """c on the output points (nan inside the disk) at TIMES, by BDF2."""
    L, r, index, solid, peclet, arm = assemble(n)
    steps = steps_per_n * n
    dt = 1.0 / steps
    eye = sp.identity(L.shape[0], format="csc")
    euler = spla.splu((eye / dt - L).tocsc())
    bdf2 = spla.splu((1.5 / dt * eye - L).tocsc())
    old = np.zeros(L.shape[0])
    new = euler.solve(old / dt + rim(dt) * r)
    want = {round(t * steps): t for t in TIMES}
    s = n // OUT
    out, asym = [], 0.0
    for k in range(2, steps + 1):
        old, new = new, bdf2.solve((2.0 * new - 0.5 * old) / dt + rim(k * dt) * r)
        if k in want:
            full = np.where(solid, np.nan, 0.0)
            full[index >= 0] = new[index[index >= 0]]
            asym = max(asym, np.nanmax(np.abs(full - full[:, ::-1])))  # y = 1/2 mirror
            out.append(full[::s, ::s])
    assert asym < 1e-12, asym
    return np.array(out), dict(unknowns=L.shape[0], steps=steps, peclet=peclet, arm=arm,
                               asym=asym)


def maxabs(d):
    """Max over the points, one value per output time."""
    return np.nanmax(np.abs(d), axis=(1, 2))


def fmt(values, f="{:.2e}"):
    return " ".join(f.format(v) for v in values)


def main():
    total = time.perf_counter()
    sols = []
    for n in NS:
        start = time.perf_counter()
        c, info = solve(n)
        sols.append(c)
        print(f"n = {n:3d}: {info['unknowns']:6d} unknowns, {info['steps']:4d} BDF2 steps "
              f"(dt = 1/{info['steps']}), max cell Peclet {info['peclet']:.2f}, "
              f"shortest arm {info['arm']:.3f} h, asymmetry {info['asym']:.0e}, {time.perf_counter() - start:5.1f} s")

    diffs = [b - a for a, b in zip(sols, sols[1:])]
    print("max |c_h - c_2h| per t (0.25, 0.5, 0.75, 1):")
    for n, d in zip(NS[1:], diffs):
        print(f"  n = {n:3d}: {fmt(maxabs(d))}")
    for n, a, b in zip(NS[2:], diffs, diffs[1:]):
        print(f"  observed order up to n = {n}: {fmt(np.log2(maxabs(a) / maxabs(b)), '{:.2f}')}")
    big = np.abs(diffs[-1]) > 1e-7
    q = np.quantile(np.log2(np.abs(diffs[-2][big] / diffs[-1][big])), [0.05, 0.5, 0.95])
    print(f"  pointwise order (last pair): 5 %, 50 %, 95 % quantiles {fmt(q, '{:.2f}')}")

    fine, _ = solve(NS[-2], 2 * STEPS_PER_N)
    print(f"time error check, n = {NS[-2]} with dt halved: changes by at most "
          f"{np.nanmax(np.abs(fine - sols[-2])):.1e}")

    rich = [b + (b - a) / 3 for a, b in zip(sols, sols[1:])]  # h^2 removed
    c = rich[-1]
    est = maxabs(rich[-1] - rich[-2])
    print(f"Richardson n = {NS[-2]}, {NS[-1]}: {fmt(maxabs(c - sols[-1]))} from plain "
          f"n = {NS[-1]}; from n = {NS[-3]}, {NS[-2]} differs by {fmt(est)} "
          f"(order {fmt(np.log2(maxabs(rich[-2] - rich[-3]) / est), '{:.2f}')})")
    print(f"estimated max error of the written values: {est.max():.1e}")
    assert np.max(q) < 2.3 and np.min(q) > 1.7 and est.max() < 5e-5

    print(f"c range {np.nanmin(c):.2e} .. {np.nanmax(c):.6f}; "
          f"max c at x = 2 per t: {fmt(np.nanmax(c[:, -1, :], axis=1))}; "
          f"max c at x = 0.05: {np.nanmax(c[:, 1, :]):.1e}")

    xo, yo = offsets(OUT)
    keep = xo**2 + yo**2 > (A + 1e-9) ** 2
    rows = 0
    with open("examples/advection_obstacle_reference.csv", "w") as f:
        f.write("x,y,t,c\n")
        for k, t in enumerate(TIMES):
            for j in range(yo.shape[1]):
                for i in range(xo.shape[0]):
                    if keep[i, j]:
                        f.write(f"{i / OUT:.10g},{j / OUT:.10g},{t:.10g},{c[k, i, j]:.12g}\n")
                        rows += 1
    print(f"wrote {rows} rows; total {time.perf_counter() - total:.1f} s")


if __name__ == "__main__":
    main()
