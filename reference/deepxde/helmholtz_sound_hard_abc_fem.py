"""Finite-element reference for the problem examples/deepxde/helmholtz_sound_hard_abc_2d.phy poses.

The scattered field u (complex) of the plane wave exp(i k0 x), k0 = 2, by a
sound-hard disk of radius R = pi/4, on the truncated domain
Omega = [-pi, pi]^2 minus the disk, with the first-order absorbing condition:

    -lap(u) - k0^2 u = 0          in Omega,
    du/dn = -d(exp(i k0 x))/dn    on the circle (n into the hole),
    du/dn = i k0 u                on the square's edge (n out of the square).

Weak form (integrating -lap(u) conj(v) by parts, then substituting du/dn):

    int grad u . grad conj(v) - k0^2 u conj(v) dx - i k0 int_square u conj(v) ds
        = int_circle g conj(v) ds,   g = -i k0 exp(i k0 x) n_x.

The free-space Bessel-Hankel series (helmholtz_sound_hard_abc_2d.py) solves the
same equation and hole condition but meets the absorbing condition only
approximately; this script solves the absorbing-condition problem itself.

Method: isoparametric P2 triangles (scikit-fem) on a structured mesh of the
annulus-like domain, from (theta, s) in [0, 2 pi) x [0, 1] to
(1 - s) R (cos, sin)(theta) + s S(theta), S(theta) the ray's hit on the square;
the theta grid has nodes at the square's corners, and every P2 mid-edge node is
placed by this map, so the circle is approximated by quadratic arcs and the
square's faces are exact. Direct sparse solve (SuperLU).

Accuracy, as measured (printed below, meshes 64 x 16 to 512 x 128 cells in
(theta, s); the finest has 263k unknowns): (1) the same solver, with the
absorbing condition's right-hand side replaced by du/dn - i k0 u of the series,
must reproduce the series: relative L2 error over the grid points 1.6e-3,
1.8e-4, 2.1e-5, 2.7e-6 (h^3); (2) on the absorbing-condition problem successive
meshes differ by 1.4e-3, 1.7e-4, 2.0e-5 (observed order 3.07), and the
Richardson estimate of the finest mesh's relative L2 error over the grid points
is 2.7e-6, matching (1). Points are located to within 1e-8 of their element.

Result: the absorbing-condition solution differs from the series by 6.9% (relative
L2 over the grid points); relative to the field's size there, the difference
grows from 2% next to the disk (r < 1.5) to 12% on the square's edge and 22%
in its corners, largest at the corners themselves.

Writes examples/deepxde/helmholtz_sound_hard_abc_2d_reference.csv: x, y,
u_re, u_im on the points of a 71 x 71 grid of the square outside the disk (the
series' grid), 10 significant digits. Given a trained run's u.csv (x, y, u_re,
u_im, ...), it also compares that prediction with the series and with this
solution. Run from the repository root:

    OMP_NUM_THREADS=1 .venv/bin/python reference/deepxde/helmholtz_sound_hard_abc_fem.py [RUN/u.csv]

(needs numpy, scipy and scikit-fem (tested with 12.0.2); about a minute and 2.5 GB.)
"""

import os
import sys

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import splu
from scipy.special import h1vp, hankel1, jvp
from skfem import BilinearForm, Basis, ElementTriP2, FacetBasis, LinearForm, MeshTri1, MeshTri2, asm
from skfem.helpers import dot, grad

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from helmholtz_sound_hard_abc_2d import scattered  # noqa: E402  (the series)

K0, A, R = 2.0, np.pi, np.pi / 4
NTS = (64, 128, 256, 512)  # theta cells of the meshes; s cells: a quarter of that


def rho(theta):  # distance from 0 to the square's edge along the ray at angle theta
    return A / np.maximum(np.abs(np.cos(theta)), np.abs(np.sin(theta)))


def to_xy(theta, s):
    r = (1 - s) * R + s * rho(theta)
    return np.array([r * np.cos(theta), r * np.sin(theta)])


def probes(basis, x):
    """Matrix from the solution vector to its values at the points x (2 x N).

    Locates each point's cell through the inverse of the (theta, s) map, maps the
    point into the reference coordinates of both of the cell's triangles by an
    unclipped Newton iteration, keeps the triangle where it lies (largest
    smallest barycentric coordinate), projects it into that triangle (points on
    the circle can lie a hair outside the quadratic arcs) and evaluates the basis.
    """
    nt, ns = basis.mesh.shape
    mp = basis.mapping
    theta = np.mod(np.arctan2(x[1], x[0]), 2 * np.pi)
    s = (np.hypot(x[0], x[1]) - R) / (rho(theta) - R)
    i = np.clip((theta / (2 * np.pi) * nt).astype(int), 0, nt - 1)
    j = np.clip((s * ns).astype(int), 0, ns - 1)
    cell = 2 * (i * ns + j)  # cell (i, j) holds elements cell and cell + 1
    pts = x[:, :, None]
    best = []
    for k in (0, 1):
        X = np.full(pts.shape, 1 / 3)
        for _ in range(30):
            X = X + np.einsum("ijkl,jkl->ikl", mp.invDF(X, tind=cell + k), pts - mp.F(X, tind=cell + k))
        best.append((np.minimum(np.minimum(X[0], X[1]), 1 - X[0] - X[1])[:, 0], X))
    second = best[1][0] > best[0][0]
    tind = cell + second
    X = np.where(second[None, :, None], best[1][1], best[0][1])
    lam = np.clip(np.stack([X[0], X[1], 1 - X[0] - X[1]]), 0, None)
    X = (lam / lam.sum(axis=0))[:2]
    miss = np.linalg.norm(mp.F(X, tind=tind) - pts, axis=0).max()  # largest point-element distance
    phis = np.array([basis.elem.gbasis(mp, X, k, tind=tind)[0].value[:, 0] for k in range(basis.Nbfun)])
    rows = np.tile(np.arange(x.shape[1]), basis.Nbfun)
    return coo_matrix((phis.ravel(), (rows, basis.element_dofs[:, tind].ravel())), shape=(x.shape[1], basis.N)), miss


def make_mesh(nt, ns):
    assert nt % 8 == 0  # nodes at the corners theta = pi/4 + k pi/2
    theta, s = np.meshgrid(2 * np.pi * np.arange(nt) / nt, np.arange(ns + 1) / ns, indexing="ij")
    node = np.arange(nt * (ns + 1)).reshape(nt, ns + 1)
    v00, v01 = node[:, :-1], node[:, 1:]
    v10, v11 = np.roll(v00, -1, axis=0), np.roll(v01, -1, axis=0)
    # Two triangles per cell (cell (i, j) -> elements 2 (i ns + j) + {0, 1}),
    # counter-clockwise in the plane.
    t = np.stack([np.stack([v00, v11, v10]), np.stack([v00, v01, v11])], axis=-1).reshape(3, -1)
    m1 = MeshTri1(to_xy(theta.ravel(), s.ravel()), t, sort_t=False)
    m2 = MeshTri2.from_mesh(m1)
    # Mid-edge nodes (after the vertices, in facet order) placed by the map.
    th, ss = theta.ravel()[m1.facets], s.ravel()[m1.facets]
    dth = np.mod(th[1] - th[0] + np.pi, 2 * np.pi) - np.pi  # across theta = 0 too
    doflocs = m2.doflocs.copy()
    assert np.allclose(doflocs[:, m1.nvertices:], m1.p[:, m1.facets].mean(axis=1))
    doflocs[:, m1.nvertices:] = to_xy(th[0] + dth / 2, ss.mean(axis=0))
    mesh = MeshTri2(doflocs, m2.t, sort_t=False)
    mesh.shape = (nt, ns)
    return mesh


def series_grad(x, y, terms=40):
    """Gradient of the series (d/dr and d/dtheta of each term)."""
    r, th = np.hypot(x, y), np.arctan2(y, x)
    ur = np.zeros(np.shape(x), complex)
    ut = np.zeros(np.shape(x), complex)
    for n in range(-terms, terms + 1):
        c = -(1j) ** n * jvp(n, K0 * R) / h1vp(n, K0 * R) * np.exp(1j * n * th)
        ur += c * K0 * h1vp(n, K0 * r)
        ut += c * 1j * n * hankel1(n, K0 * r) / r
    return ur * np.cos(th) - ut * np.sin(th), ur * np.sin(th) + ut * np.cos(th)


def solve(nt, ns, points):
    """FEM solutions at `points` of the ABC problem and of the check problem."""
    mesh = make_mesh(nt, ns)
    e = ElementTriP2()
    basis = Basis(mesh, e, intorder=6)
    on_square = mesh.facets_satisfying(lambda p: np.maximum(abs(p[0]), abs(p[1])) > A - 1e-9, boundaries_only=True)
    on_circle = mesh.facets_satisfying(lambda p: np.hypot(p[0], p[1]) < R + 1e-9, boundaries_only=True)
    assert len(on_square) + len(on_circle) == len(mesh.boundary_facets())
    square = FacetBasis(mesh, e, facets=on_square, intorder=6)
    circle = FacetBasis(mesh, e, facets=on_circle, intorder=6)
    stiff = asm(BilinearForm(lambda u, v, w: dot(grad(u), grad(v))), basis)
    mass = asm(BilinearForm(lambda u, v, w: u * v), basis)
    edge = asm(BilinearForm(lambda u, v, w: u * v), square)
    lu = splu((stiff - K0**2 * mass - 1j * K0 * edge).tocsc().astype(complex))

    def load(fb, f):  # int f conj(v) ds for a complex f of (x, y, n); v is real
        re = asm(LinearForm(lambda v, w: f(w.x[0], w.x[1], w.n).real * v), fb)
        im = asm(LinearForm(lambda v, w: f(w.x[0], w.x[1], w.n).imag * v), fb)
        return re + 1j * im

    # n is Omega's outward normal (into the hole on the circle).
    g = load(circle, lambda x, y, n: -1j * K0 * np.exp(1j * K0 * x) * n[0])
    nx = circle.normals.value * circle.global_coordinates().value / R
    assert np.allclose(nx.sum(axis=0), -1, atol=1e-2)  # n = -(x, y)/R on the circle

    def series_abc(x, y, n):  # du/dn - i k0 u of the series on the square
        gx, gy = series_grad(x, y)
        return gx * n[0] + gy * n[1] - 1j * K0 * scattered(x, y)

    check = g + load(square, series_abc)
    probe, miss = probes(basis, points)
    return probe @ lu.solve(g), probe @ lu.solve(check), miss


def rel(a, b):
    return np.sqrt(np.sum(abs(a - b) ** 2) / np.sum(abs(b) ** 2))


def main():
    # The 71 x 71 grid of the square outside the disk, as the series' CSV.
    g = np.linspace(-np.pi, np.pi, 71)
    gx, gy = (c.ravel() for c in np.meshgrid(g, g, indexing="ij"))
    keep = np.hypot(gx, gy) > R
    gx, gy = gx[keep], gy[keep]
    # A trained run's prediction (its u.csv: x, y, u_re, u_im, ...) to compare, if named.
    net = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1) if len(sys.argv) > 1 else np.zeros((0, 4))
    points = np.hstack([np.array([gx, gy]), net[:, :2].T])
    ng = len(gx)
    series = scattered(*points)

    print("mesh (theta x s cells)   ABC: change from previous   check problem: error vs series   max locate miss")
    results = []
    for nt in NTS:
        u, check, miss = solve(nt, nt // 4, points)
        change = rel(u[:ng], results[-1][:ng]) if results else np.nan
        results.append(u)
        print(f"{nt:4d} x {nt // 4:3d}          {change:10.2e}                  {rel(check[:ng], series[:ng]):10.2e}"
              f"                {miss:.1e}")
    c1, c2 = rel(results[-2][:ng], results[-3][:ng]), rel(results[-1][:ng], results[-2][:ng])
    order = np.log2(c1 / c2)
    estimate = c2 / (2**order - 1)
    print(f"observed order {order:.2f}; Richardson estimate of the finest mesh's relative L2 error: {estimate:.1e}")
    assert estimate < 1e-5
    u = results[-1]

    ug, sg = u[:ng], series[:ng]
    print(f"ABC solution vs series, relative L2 over the {ng} grid points: {rel(ug, sg):.4f}")
    # Where they differ: rms |difference| / rms |series| by region.
    r, edge = np.hypot(gx, gy), np.maximum(abs(gx), abs(gy))
    for name, sel in [("R < r < 1.5", r < 1.5), ("1.5 <= r < 2.4", (r >= 1.5) & (r < 2.4)),
                      ("r >= 2.4, max(|x|,|y|) < 2.9", (r >= 2.4) & (edge < 2.9)),
                      ("on the square's edge", edge > A - 1e-9), ("corners (|x|,|y| > 2.6)", np.minimum(abs(gx), abs(gy)) > 2.6)]:
        print(f"  {name:30s} {np.sqrt(np.mean(abs(ug - sg)[sel] ** 2) / np.mean(abs(sg[sel]) ** 2)):.3f}")
    k = np.argmax(abs(ug - sg))
    print(f"  largest |diff| {abs(ug - sg)[k]:.4f} at ({gx[k]:.3f}, {gy[k]:.3f})")
    if len(net):
        un, sn, fn = net[:, 2] + 1j * net[:, 3], series[ng:], u[ng:]
        print(f"{sys.argv[1]} ({len(net)} points): vs the series {rel(un, sn):.4f}, vs this solution {rel(un, fn):.4f}")

    with open("examples/deepxde/helmholtz_sound_hard_abc_2d_reference.csv", "w") as out:
        out.write("# Sound-hard disk scattering with the absorbing condition on the square, P2 FEM, "
                  "reference/deepxde/helmholtz_sound_hard_abc_fem.py\n")
        out.write("x,y,u_re,u_im\n")
        for row in zip(gx, gy, ug.real, ug.imag):
            out.write(",".join(f"{v:.10g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
