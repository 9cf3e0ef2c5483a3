"""Lid-driven cavity at Re = 100 and 400: independent check of Ghia, Ghia & Shin (1982).

Steady incompressible Navier-Stokes on [0, 1]^2, lid y = 1 moving with u = 1
(lid corners included, as in Ghia et al.), u = v = 0 on the other walls,
Reynolds number Re from the command line, default 100 (lid speed 1, side 1,
nu = 1/Re).

Method: stream function - vorticity form, u = psi_y, v = -psi_x,
omega = v_x - u_y,
    psi_xx + psi_yy = -omega,
    psi_y omega_x - psi_x omega_y = (omega_xx + omega_yy) / Re,
on the uniform N x N node grid (h = 1/(N-1)), second-order central differences
everywhere, psi = 0 on the walls and Thom's formula for the wall vorticity
(omega_w = -2 psi_1 / h^2 - 2 U_w / h, psi_1 the first node inside, U_w the
tangential wall speed). The unknowns are psi and omega at the interior nodes;
the wall vorticity is a linear function of psi. The coupled nonlinear system is
solved by Newton's method (exact sparse Jacobian, scipy's SuperLU), started from
zero; it converges quadratically in 6-7 iterations at Re = 100, 9 at Re = 400,
to a max residual of 1e-12 to 1e-11 (stopping when the Newton update is below
1e-10). Should it fail from zero (it does not at Re = 100 or 400), continuation
in Re (100, 200, ..., Re, each solution starting the next) takes over.
Velocities on the nodes come from central differences of psi (second order);
the walls hold their exact values.

Grids N = 65, 129, 257. At fixed points the error behaves like c h^2 (observed
order from the three grids, see the printed output), so second-order
Richardson extrapolation (4 f_257 - f_129) / 3 gives the grid-converged
values; its distance from the N = 257 solution is printed as the
discretisation error estimate of that grid, and the distance between the
extrapolations from (65, 129) and (129, 257) bounds the error of the
extrapolated values. Centreline values at Ghia's points come from cubic
splines through every grid's centreline nodes (interpolation error O(h^4),
negligible), extrapolated afterwards.

Re = 100 (about 20 s and 0.55 GB on 2 cores): observed order 2.03 (median over
Ghia's points; 1.99 to 2.03 for v, 2.02 to 2.7 for u). Discretisation error of
the N = 257 solution at Ghia's points, |f_257 - f_ext|: 1.8e-4 (u), 2.4e-4 (v).
Extrapolations from (65, 129) and (129, 257) differ by 2.3e-5 (u), 1.5e-5 (v);
a one-off N = 513 run (not done here: 150 s, 2.5 GB) moves the extrapolated
centreline values by at most 1.9e-6 (u), 1.5e-6 (v), so the extrapolated
values are good to about 1e-5 or better. Centreline extrema (extrapolated):
u_min = -0.214043 at y = 0.4581, v_max = 0.179574 at x = 0.2370,
v_min = -0.253805 at x = 0.8104; psi_min = -0.10347 on the N = 257 nodes
(-0.10333 on N = 129; so about -0.1035 converged) near (x, y) = (0.617, 0.737).

Against Ghia's table, max |f_ext - Ghia| = 5.0e-3 for u (at y = 0.8516) and
9.2e-3 for v (at x = 0.8594), 25 to 40 times this solver's own error estimate:
the difference is Ghia's (their 129 x 129 solution; it is not rounding).
Ghia's velocities are mostly smaller in magnitude, by up to about 5 % (values
near zero aside); the isolated point u(0.0703) = -0.04775 is off by 1.1e-3
while its neighbours agree to 5e-5. So Ghia at Re = 100 is a benchmark to
about 1e-2, not better.

Re = 400 (about 25 s, 0.55 GB; Newton from zero on every grid, no
continuation): observed order 2.04 (u), 2.01 (v) (medians; range 1.98 to
2.12). |f_257 - f_ext| at Ghia's points: 1.5e-3 (u), 1.8e-3 (v).
Extrapolations from (65, 129) and (129, 257) differ by 2.7e-4 (u), 2.0e-4 (v);
a one-off N = 513 run (not done here: 210 s, 2.5 GB; order 2.00 to 2.06 from
129/257/513) moves the extrapolated centreline values by at most 3.7e-5 (u),
2.1e-5 (v), so they are good to about 4e-5. Centreline extrema
(extrapolated): u_min = -0.328742 at y = 0.2800, v_max = 0.303849 at
x = 0.2253, v_min = -0.454083 at x = 0.8622; psi_min = -0.11369 on the
N = 257 nodes (-0.11277 on N = 129, -0.11391 on N = 513) at (0.5547, 0.6055).
Against Ghia's Re = 400 columns (as reproduced in public code; the paper
itself was not at hand): max |u_ext - Ghia| = 2.9e-3 (at y = 0.9688),
max |v_ext - Ghia| = 6.3e-3 (at x = 0.9453), except v(0.9063): Ghia et al.
print -0.23827, here -0.38971, out of line with their own neighbours
(-0.22847 at 0.9453, -0.44993 at 0.8594): apparently a misprint. Ghia at Re = 400 is again a
benchmark to about 1e-2, that point aside.

Writes (run from the repository root; needs numpy and scipy):
  examples/cavity_u_reference.csv  x,y,u : Ghia's 17 u points on x = 0.5
  examples/cavity_v_reference.csv  x,y,v : Ghia's 17 v points on y = 0.5
     (Ghia's published numbers exactly as printed; this solver verifies them)
  examples/cavity_reference.csv    x,y,u,v : the extrapolated solution on the
     33 x 33 nodes x, y = k/32, x fastest, then y (walls included, exact
     wall values: u = 1 on y = 1 including its corners).
  Other Re (e.g. 400): examples/cavity400_u_reference.csv,
     cavity400_v_reference.csv, cavity400_reference.csv, the same points and
     columns, but u, v are this solver's extrapolated values (5 decimals in
     the centreline files), not Ghia's.

    python3 reference/cavity.py [Re]        (Re = 100 if omitted)
"""
import os
import sys
import time

import numpy as np
import scipy.sparse as sp
from scipy.interpolate import CubicSpline
from scipy.optimize import minimize_scalar
from scipy.sparse.linalg import splu

RE = float(sys.argv[1]) if len(sys.argv) > 1 else 100.0
GRIDS = (65, 129, 257)

# Ghia, Ghia & Shin (1982): Table I (u on x = 0.5), Table II (v on y = 0.5), Re = 100
# (u, v) and 400 (u400, v400), kept as the strings printed in the paper (Re = 100: written
# verbatim to the CSV files).
GHIA_STR = dict(
    y="1.0000 0.9766 0.9688 0.9609 0.9531 0.8516 0.7344 0.6172 0.5000 0.4531 0.2813 "
      "0.1719 0.1016 0.0703 0.0625 0.0547 0.0000".split(),
    u="1.00000 0.84123 0.78871 0.73722 0.68717 0.23151 0.00332 -0.13641 -0.20581 "
      "-0.21090 -0.15662 -0.10150 -0.06434 -0.04775 -0.04192 -0.03717 0.00000".split(),
    x="1.0000 0.9688 0.9609 0.9531 0.9453 0.9063 0.8594 0.8047 0.5000 0.2344 0.2266 "
      "0.1563 0.0938 0.0781 0.0703 0.0625 0.0000".split(),
    v="0.00000 -0.05906 -0.07391 -0.08864 -0.10313 -0.16914 -0.22445 -0.24533 0.05454 "
      "0.17527 0.17507 0.16077 0.12317 0.10890 0.10091 0.09233 0.00000".split(),
    u400="1.00000 0.75837 0.68439 0.61756 0.55892 0.29093 0.16256 0.02135 -0.11477 "
         "-0.17119 -0.32726 -0.24299 -0.14612 -0.10338 -0.09266 -0.08186 0.00000".split(),
    v400="0.00000 -0.12146 -0.15663 -0.19254 -0.22847 -0.23827 -0.44993 -0.38598 0.05186 "
         "0.30174 0.30203 0.28124 0.22965 0.20920 0.19713 0.18360 0.00000".split())
TAG = "" if RE == 100 else f"{RE:g}"  # Re = 400: Ghia's u400, v400; files cavity400_*.csv
GHIA_Y, GHIA_X = (np.array(GHIA_STR[k], dtype=float) for k in "yx")
GHIA_U, GHIA_V = (np.array(GHIA_STR[k + TAG], dtype=float) if k + TAG in GHIA_STR else None
                  for k in "uv")


def solve(n, re=RE, start=None, tol=1e-10, maxit=30):
    """Newton solve on the n x n node grid at Reynolds number re, from zero or from
    start (the interior unknowns returned by an earlier call on the same grid).

    Returns psi, u, v as (n, n) arrays indexed [j, i] = (y_j, x_i), and the unknowns."""
    h = 1.0 / (n - 1)
    # Full-grid operators, node k = j * n + i (x fastest). Boundary rows are junk and
    # are dropped by the interior restriction R below.
    d1 = sp.diags([-np.ones(n - 1), np.ones(n - 1)], [-1, 1], format="csr") / (2 * h)
    d2 = sp.diags([np.ones(n - 1), -2 * np.ones(n), np.ones(n - 1)], [-1, 0, 1]) / h**2
    eye = sp.identity(n, format="csr")
    dx, dy = sp.kron(eye, d1).tocsr(), sp.kron(d1, eye).tocsr()
    lap = (sp.kron(eye, d2) + sp.kron(d2, eye)).tocsr()
    jj, ii = np.divmod(np.arange(n * n), n)
    inner = np.flatnonzero((ii > 0) & (ii < n - 1) & (jj > 0) & (jj < n - 1))
    m = inner.size
    P = sp.csr_matrix((np.ones(m), (inner, np.arange(m))), shape=(n * n, m))  # embed interior
    R = P.T.tocsr()  # restrict to interior
    # Thom: wall vorticity = B psi_interior + c (corners do not enter the 5-point stencils).
    rows, cols = [], []
    pos = -np.ones(n * n, dtype=int)
    pos[inner] = np.arange(m)
    for a in range(1, n - 1):
        for wall, adj in ((a, a + n),                          # bottom: (i=a, j=0) <- j=1
                          ((n - 1) * n + a, (n - 2) * n + a),  # top
                          (a * n, a * n + 1),                  # left
                          (a * n + n - 1, a * n + n - 2)):     # right
            rows.append(wall)
            cols.append(pos[adj])
    B = sp.csr_matrix((np.full(len(rows), -2 / h**2), (rows, cols)), shape=(n * n, m))
    c = np.zeros(n * n)
    c[(n - 1) * n + np.arange(1, n - 1)] = -2.0 / h  # lid, U = 1

    A11 = (R @ lap @ P).tocsc()
    psi_i, om_i = (np.zeros(m), np.zeros(m)) if start is None else (s.copy() for s in start)
    for it in range(maxit):
        Psi = P @ psi_i
        Om = P @ om_i + B @ psi_i + c
        Px, Py, Ox, Oy = dx @ Psi, dy @ Psi, dx @ Om, dy @ Om
        F1 = R @ (lap @ Psi) + om_i                               # lap psi + omega = 0
        F2 = R @ (Py * Ox - Px * Oy - (lap @ Om) / re)            # convection - diffusion = 0
        conv = sp.diags(Py) @ dx - sp.diags(Px) @ dy - lap / re   # d F2 / d Omega (full grid)
        J21 = R @ (sp.diags(Ox) @ dy @ P - sp.diags(Oy) @ dx @ P + conv @ B)
        J22 = R @ conv @ P
        J = sp.bmat([[A11, sp.identity(m)], [J21, J22]], format="csc")
        res = max(abs(F1).max(), abs(F2).max())
        delta = splu(J).solve(-np.concatenate([F1, F2]))
        psi_i += delta[:m]
        om_i += delta[m:]
        step = abs(delta).max()
        print(f"  N={n:4d} Re={re:g} it {it}: max residual {res:.2e}, max update {step:.2e}")
        if step < tol:
            break
        if not step < 1e6:  # diverging (or NaN)
            raise RuntimeError("Newton diverged")
    else:
        raise RuntimeError("Newton did not converge")
    psi = (P @ psi_i).reshape(n, n)
    u, v = np.zeros((n, n)), np.zeros((n, n))
    u[1:-1, 1:-1] = (psi[2:, 1:-1] - psi[:-2, 1:-1]) / (2 * h)
    v[1:-1, 1:-1] = -(psi[1:-1, 2:] - psi[1:-1, :-2]) / (2 * h)
    u[-1, :] = 1.0  # lid, corners included
    return psi, u, v, (psi_i, om_i)


def solve_re(n):
    """Newton from zero at RE; failing that, continuation in Re (100, 200, ..., RE)."""
    try:
        return solve(n)[:3]
    except RuntimeError as e:
        print(f"  N={n}: {e} from zero at Re = {RE:g}; continuation in steps of 100")
    state = None
    for r in [*np.arange(100.0, RE, 100.0), RE]:
        psi, u, v, state = solve(n, r, state)
    return psi, u, v


def centre(n, u, v):
    """u at Ghia's y on x = 0.5 and v at Ghia's x on y = 0.5 (cubic splines)."""
    s = np.linspace(0.0, 1.0, n)
    mid = (n - 1) // 2
    return CubicSpline(s, u[:, mid])(GHIA_Y), CubicSpline(s, v[mid, :])(GHIA_X)


def main():
    t0 = time.time()
    sols = {}
    for n in GRIDS:
        psi, u, v = solve_re(n)
        j, i = np.unravel_index(np.argmin(psi), psi.shape)
        print(f"  N={n}: psi_min {psi.min():.6f} at (x, y) = ({i/(n-1):.4f}, {j/(n-1):.4f})")
        sols[n] = (u, v, *centre(n, u, v))

    def rich(f, n1, n2):  # second-order Richardson from grids n1 < n2 = 2 n1 - 1
        return (4 * f(n2) - f(n1)) / 3

    cu = lambda n: sols[n][2]
    cv = lambda n: sols[n][3]
    ue, ve = rich(cu, 129, 257), rich(cv, 129, 257)
    ue0, ve0 = rich(cu, 65, 129), rich(cv, 65, 129)
    for name, f in (("u", cu), ("v", cv)):
        d1, d2 = f(129) - f(65), f(257) - f(129)
        ok = np.abs(d2) > 1e-7
        p = np.log2(np.abs(d1[ok] / d2[ok]))
        print(f"observed order ({name}, Ghia points, 65/129/257): median {np.median(p):.2f},"
              f" range {p.min():.2f}..{p.max():.2f}")
    if GHIA_U is not None:
        print(f"max |u_ext - Ghia| = {abs(ue - GHIA_U).max():.2e}"
              f" (at y = {GHIA_Y[np.argmax(abs(ue - GHIA_U))]})")
        print(f"max |v_ext - Ghia| = {abs(ve - GHIA_V).max():.2e}"
              f" (at x = {GHIA_X[np.argmax(abs(ve - GHIA_V))]})")
    print(f"discretisation error of N=257 (|f_257 - f_ext|): u {abs(cu(257) - ue).max():.2e},"
          f" v {abs(cv(257) - ve).max():.2e}")
    print(f"error of extrapolation (|ext(129,257) - ext(65,129)|): u {abs(ue - ue0).max():.2e},"
          f" v {abs(ve - ve0).max():.2e}")
    # Centreline extrema (value and position), extrapolated like the rest; searched within
    # 0.1 of the extreme node of the N = 129 line.
    for name, comp, sgn in (("u_min", 0, 1), ("v_max", 1, -1), ("v_min", 1, 1)):
        r = []
        for n in (129, 257):
            mid = (n - 1) // 2
            line = sols[n][comp][:, mid] if comp == 0 else sols[n][comp][mid, :]
            if n == 129:
                s0 = np.argmin(sgn * line) / (n - 1)
                lo, hi = max(s0 - 0.1, 0.0), min(s0 + 0.1, 1.0)
            cs = CubicSpline(np.linspace(0.0, 1.0, n), line)
            o = minimize_scalar(lambda s: sgn * cs(s), bounds=(lo, hi), method="bounded",
                                options=dict(xatol=1e-10))
            r.append((sgn * o.fun, o.x))
        (f1, s1), (f2, s2) = r
        print(f"{name}: N=257 {f2:.6f} at {s2:.4f}; extrapolated {(4*f2 - f1)/3:.6f}"
              f" at {(4*s2 - s1)/3:.4f}")
    gu, gv = (np.full(17, np.nan) if g is None else g for g in (GHIA_U, GHIA_V))
    print(" y       u_Ghia    u_ext        |  x       v_Ghia    v_ext")
    for k in range(17):
        print(f" {GHIA_Y[k]:.4f}  {gu[k]:8.5f}  {ue[k]:11.7f}  |  {GHIA_X[k]:.4f}"
              f"  {gv[k]:8.5f}  {ve[k]:11.7f}")

    # Extrapolated field on the 33 x 33 nodes k/32 (nodes of every grid).
    (u1, v1), (u2, v2) = sols[129][:2], sols[257][:2]
    U = (4 * u2[::8, ::8] - u1[::4, ::4]) / 3
    V = (4 * v2[::8, ::8] - v1[::4, ::4]) / 3
    gridx = np.linspace(0.0, 1.0, 33)
    X, Y = np.meshgrid(gridx, gridx)  # [j, i], x fastest when flattened

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
    # Re = 100: Ghia's printed values; otherwise this solver's extrapolated ones, 5 decimals.
    fmt = lambda a: [f"{round(float(b), 5) + 0.0:.5f}" for b in a]
    us, vs = (GHIA_STR["u"], GHIA_STR["v"]) if RE == 100 else (fmt(ue), fmt(ve))
    with open(os.path.join(out, f"cavity{TAG}_u_reference.csv"), "w") as f:
        f.write("x,y,u\n")
        for y, u in zip(GHIA_STR["y"], us):
            f.write(f"0.5,{y},{u}\n")
    with open(os.path.join(out, f"cavity{TAG}_v_reference.csv"), "w") as f:
        f.write("x,y,v\n")
        for x, v in zip(GHIA_STR["x"], vs):
            f.write(f"{x},0.5,{v}\n")
    with open(os.path.join(out, f"cavity{TAG}_reference.csv"), "w") as f:
        f.write("x,y,u,v\n")
        for x, y, u, v in zip(X.ravel(), Y.ravel(), U.ravel(), V.ravel()):
            f.write(",".join(repr(float(a)) for a in (x, y, u, v)) + "\n")
    print(f"wrote 3 CSV files; total time {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
