"""Observations for examples/deepxde/navier_stokes_inverse.phy, simulated here.

DeepXDE's examples/pinn_inverse/Navier_Stokes_inverse.py (Raissi et al.
2019, section 4.1.1) learns C1 and C2 of

    u_t + C1 (u u_x + v u_y) = -p_x + C2 (u_xx + u_yy),  (same for v),
    u_x + v_y = 0,

true C1 = 1, C2 = 0.01 (Re = 100), from 7,000 observations of (u, v) drawn
at random from Raissi's Nektar++ simulation of the wake of a cylinder
(cylinder_nektar_wake.mat: a 100 x 50 grid on x in [1, 8], y in [-2, 2],
200 snapshots 0.1 apart, of which the example keeps t in [0, 7]). That file
is not at hand, so this script computes the same flow itself: a cylinder of
diameter 1 centred at the origin, free stream (1, 0), nu = 0.01, in its
periodic vortex-shedding regime; and samples it the same way.

Method. Vorticity-streamfunction form, Fourier pseudo-spectral on the
periodic box [-8, 24) x [-8, 8) (Raissi's domain, [-15, 25] x [-8, 8], is
also periodic in y, so the lateral blockage, 1/16, is the same):

    w_t = curl(u x w + f) + nu lap w,   u = (1, 0) + (psi_y, -psi_x),   -lap psi = w,

the Lamb vector (v w, -u w) de-aliased by the 2/3 rule. The cylinder is a
Brinkman volume penalisation f = -chi u / eta, eta = dt / 2.5, with a tanh
mask chi one grid spacing wide whose half level is moved inward by the
thickness of its wall layer (wall_shift), so that its effective no-slip wall
lies at r = 1/2. A fringe f = -lambda(x) (u - (1, 0)), lambda smoothly up to
3 on x in [17, 24), relaxes the wake back to the free stream, so that the
box acts as an inflow/outflow domain. The forcing is not cut sharply at 2/3
but filtered by exp(-36 (k / k_cut)^8) in x and in y: the sharp cut rings
through the domain, which left a vorticity-equation residual of 11 % in the
window and a fitted C2 of 0.0063. Time stepping: Lawson (integrating-factor)
RK4, diffusion exact. The flow starts impulsively (w = 0), the cylinder
turning at angular speed 1 for t < 2 to break the symmetry, runs 80 time
units on a grid of 12 points per unit length (384 x 192, dt = 0.04), then on
the main grid of 32 points per unit (1024 x 512, dt = 0.02) settles for 15
time units and records 200 snapshots 0.1 apart (t = 0 is the start of the
recording). u, v at Raissi's points are the exact Fourier interpolant (the
series summed there directly).

Accuracy, as measured and printed by the run that wrote the file:

- Shedding: periodic. Lift periods from t = -14.2 on 5.925, 5.883, 5.870,
  5.872, 5.867; lift amplitude 0.4213, 0.4233, 0.4257, 0.4257, 0.4260 (the
  recording starts 15 time units after the change of grid). Strouhal number
  0.1704 from the lift, 0.1702 from v at (3, 0) (literature for Re = 100 in
  an open domain 0.164-0.167; the lateral periodicity raises it a little).
- Drag: mean Cd 1.515 over the recorded periods. The penalisation biases the
  forces upward at first order in the grid spacing: over t in [0, 7] the mean
  Cd is 1.546, 1.513 and 1.488 with 24, 32 and 40 points per unit, which
  extrapolates to 1.384 (literature 1.33-1.40, the higher values with some
  blockage). The lift amplitude, 0.43, is likewise above the open-domain
  0.33. So the obstacle acts somewhat larger or blunter than the cylinder:
  the wake is a faithful Navier-Stokes flow, but stronger than Nektar's by
  several per cent.
- Resolution: rerunning t in [0, 7] from the recording's start with 24 and
  with 40 points per unit changes the sampled u, v by at most 0.43 % and
  0.30 % of max |u| at t = 1, 3.0 % and 2.5 % at t = 7 (rms over t <= 7:
  0.47 % and 0.37 %); mostly a phase drift from the slightly different
  shedding, which grows with t.
- Navier-Stokes residual of the recorded field in the window (x in [1, 8],
  y in [-2, 2], at t = 0.5, 1.5, ..., 6.5; on the 3/2-padded grid, so that it
  is the residual of the Fourier interpolant the observations sample; u_t
  from five consecutive steps; p from lap p = div(f - (u.grad)u)): with
  C1 = 1, C2 = 0.01, rms 2.1e-5 (largest 3.2e-4) of the largest term
  ((u.grad)u, rms 0.32; u_t 0.29, grad p 0.15, 0.01 lap u 0.017); the
  vorticity equation (its curl, free of p) rms 5.3e-4. Least-squares C1, C2:
  0.9999992, 0.00999973 from the vorticity equation (p free, as in the PINN),
  1.0000002, 0.00999986 from the momentum equations.

The values are written to 6 significant digits (relative 5e-7).

Writes examples/deepxde/navier_stokes_inverse.csv: of the 5,000 x 71 samples
(points in grid order, x fastest; for each point t = 0, 0.1, ..., 7), 7,000
rows drawn without replacement (numpy default_rng(1234)), in their order,
columns x, y, t, u, v. Run from the repository root; it takes about 10
minutes on two shared cores:

    .venv/bin/python reference/deepxde/navier_stokes_inverse.py
"""
import time
from collections import deque
from pathlib import Path

import numpy as np
from scipy import fft

OUT = Path(__file__).resolve().parents[2] / "examples" / "deepxde"
NUM = 7000
DIGITS = 6
SEED = 1234

NU = 0.01  # 1/Re, D = U = 1
X0, LX = -8.0, 32.0  # periodic box [X0, X0 + LX) x [-LY/2, LY/2)
LY = 16.0
Y0 = -LY / 2
RADIUS = 0.5
MASK_WIDTH = 1.0  # tanh smoothing of the mask, in grid spacings
ETA_STEPS = 2.5  # penalisation eta = dt / ETA_STEPS (explicit RK4 is stable up to 2.78)
FRINGE = (17.0, 20.0, 22.5, 24.0)  # lambda rises on [a, b], is LAMBDA on [b, c], falls to 0 on [c, d]
LAMBDA = 3.0
SPIN, SPIN_TIME = 1.0, 2.0  # the cylinder turns at angular speed SPIN for t < SPIN_TIME (kick)
WORKERS = 2
FORCE_FILTER = 8  # order p of the forcing's filter exp(-36 (k / k_cut)^p), in x and in y

# Raissi's window and sampling
XS = np.linspace(1.0, 8.0, 100)
YS = np.linspace(-2.0, 2.0, 50)
T_SNAP = np.arange(200) / 10.0
T_KEEP = 7.0


def smooth_step(s):
    s = np.clip(s, 0.0, 1.0)
    out = (s >= 1.0).astype(float)
    mid = (s > 0.0) & (s < 1.0)
    out[mid] = 1.0 / (1.0 + np.exp(1.0 / (s[mid] - 1.0) + 1.0 / s[mid]))
    return out


def fringe(x):
    a, b, c, d = FRINGE
    return LAMBDA * (smooth_step((x - a) / (b - a)) - smooth_step((x - c) / (d - c)))


def wall_shift(width, eta):
    """Where the no-slip wall of the mask chi = (1 - tanh(z))/2 effectively lies, in units of its width.

    Across the wall layer nu u'' = chi u / eta; in the mask's tail chi ~ exp(-2 z),
    which makes u a modified Bessel function K0(sqrt(A) exp(-z)) with
    A = width^2 / (nu eta): linear in z outside (the wall shear), decaying inside.
    Its linear part vanishes at z = ln(sqrt(A) / 2) + euler_gamma.
    """
    return np.log(np.sqrt(width**2 / (NU * eta)) / 2) + np.euler_gamma


class Grid:
    """Fourier grid with n points per unit length, its masks and operators."""

    def __init__(self, n, dt):
        self.n, self.dx, self.dt = n, 1.0 / n, dt
        self.nx, self.ny = int(round(LX * n)), int(round(LY * n))
        self.shape = (self.ny, self.nx)
        self.x = X0 + self.dx * np.arange(self.nx)
        self.y = Y0 + self.dx * np.arange(self.ny)
        self.kx = 2 * np.pi / LX * np.arange(self.nx // 2 + 1)
        self.ky = 2 * np.pi / LY * np.fft.fftfreq(self.ny, 1.0 / self.ny)
        self.ikx = 1j * self.kx[None, :]
        self.iky = 1j * self.ky[:, None]
        k2 = self.kx[None, :] ** 2 + self.ky[:, None] ** 2
        self.inv_k2 = np.where(k2 > 0, 1.0 / np.where(k2 > 0, k2, 1.0), 0.0)
        keep_x = np.arange(self.nx // 2 + 1) < self.nx / 3
        keep_y = np.abs(np.fft.fftfreq(self.ny, 1.0 / self.ny)) < self.ny / 3
        self.dealias = keep_y[:, None] & keep_x[None, :]
        # the forcing (mask and fringe) goes through a smooth filter that vanishes at the 2/3 cut,
        # which keeps its truncation from ringing through the domain
        cut = 2 / 3 * np.pi * n
        sx = np.exp(-36 * (self.kx / cut) ** FORCE_FILTER)
        sy = np.exp(-36 * (np.abs(self.ky) / cut) ** FORCE_FILTER)
        self.filter = self.dealias * sy[:, None] * sx[None, :]
        self.kmax = (self.kx[keep_x].max(), np.abs(self.ky[keep_y]).max())
        self.E = np.exp(-NU * k2 * dt / 2)
        self.eta = dt / ETA_STEPS
        X, Y = self.x[None, :], self.y[:, None]
        width = MASK_WIDTH * self.dx
        self.shift = wall_shift(width, self.eta)
        self.chi = 0.5 * (1.0 - np.tanh((np.hypot(X, Y) - RADIUS) / width + self.shift))
        self.chi_eta = self.chi / self.eta
        self.lam = fringe(self.x)[None, :]
        self.damp = self.chi_eta + self.lam
        self.spin_x, self.spin_y = -self.chi_eta * Y, self.chi_eta * X

    def fwd(self, f):
        return fft.rfft2(f, workers=WORKERS)

    def inv(self, fh):
        return fft.irfft2(fh, s=self.shape, workers=WORKERS)

    def velocity_hat(self, wh):
        psi = wh * self.inv_k2
        uh = self.iky * psi
        uh[0, 0] = self.nx * self.ny  # mean flow (1, 0)
        return uh, -self.ikx * psi

    def rhs(self, wh, spin):
        uh, vh = self.velocity_hat(wh)
        u, v, w = self.inv(uh), self.inv(vh), self.inv(wh)
        fx = -self.damp * u + self.lam
        fy = -self.damp * v
        if spin:
            fx += spin * self.spin_x
            fy += spin * self.spin_y
        force = (np.sum(self.chi_eta * u) * self.dx**2, np.sum(self.chi_eta * v) * self.dx**2)
        cfl = self.dt * (np.abs(u).max() * self.kmax[0] + np.abs(v).max() * self.kmax[1])
        nh = self.dealias * (self.ikx * self.fwd(-u * w) - self.iky * self.fwd(v * w))
        nh += self.filter * (self.ikx * self.fwd(fy) - self.iky * self.fwd(fx))
        return nh, force, cfl

    def step(self, wh, t, kick=False):
        """One Lawson (integrating-factor) RK4 step; returns the new state, the force on the body at t, CFL."""
        dt, E = self.dt, self.E
        spin = lambda s: SPIN if kick and s < SPIN_TIME else 0.0
        a, force, cfl = self.rhs(wh, spin(t))
        b = self.rhs(E * (wh + dt / 2 * a), spin(t + dt / 2))[0]
        c = self.rhs(E * wh + dt / 2 * b, spin(t + dt / 2))[0]
        d = self.rhs(E * (E * wh + dt * c), spin(t + dt))[0]
        return E * (E * (wh + dt / 6 * a) + dt / 3 * (b + c)) + dt / 6 * d, force, cfl

    def sample(self, fh, xq, yq):
        """Fourier interpolant of the field with rfft2 coefficients fh at the points xq x yq (shape len(yq), len(xq))."""
        ey = np.exp(1j * np.outer(yq - Y0, self.ky))
        ex = np.exp(1j * np.outer(self.kx, xq - X0))
        wgt = np.full(self.kx.size, 2.0)
        wgt[0] = 1.0
        return np.real((ey @ fh) * wgt @ ex) / (self.nx * self.ny)

    def sample_uv(self, wh):
        uh, vh = self.velocity_hat(wh)
        return self.sample(uh, XS, YS), self.sample(vh, XS, YS)


def resample(wh, src, dst):
    """Carries rfft2 coefficients from grid src to grid dst (all modes src keeps fit on dst)."""
    out = np.zeros((dst.ny, dst.nx // 2 + 1), complex)
    my = min(src.ny, dst.ny) // 2 - 1
    mx = min(src.nx, dst.nx) // 2
    out[: my + 1, :mx] = wh[: my + 1, :mx]
    out[-my:, :mx] = wh[-my:, :mx]
    return out * (dst.nx * dst.ny) / (src.nx * src.ny)


def run(g, wh, t0, t1, on_snapshot=None, log=None, kick=False):
    """Steps grid g from t0 to t1; returns the state, and per step the times, drag and lift coefficients."""
    steps = int(round((t1 - t0) / g.dt))
    ts, cd, cl = np.empty(steps), np.empty(steps), np.empty(steps)
    cfl_max = 0.0
    for s in range(steps):
        t = t0 + s * g.dt
        if on_snapshot is not None:
            on_snapshot(s, wh)
        wh, force, cfl = g.step(wh, t, kick)
        ts[s], cd[s], cl[s] = t, 2 * force[0], 2 * force[1]
        cfl_max = max(cfl_max, cfl)
        if log and (s + 1) % log == 0:
            print(f"  t = {t + g.dt:7.2f}  Cd = {cd[s]:.4f}  Cl = {cl[s]:+.4f}  CFL {cfl_max:.2f}", flush=True)
    if on_snapshot is not None:
        on_snapshot(steps, wh)
    assert cfl_max < 3.0, cfl_max  # a bound on dt max|u.k|; RK4 is stable up to 2.83
    return wh, ts, cd, cl


class Residual:
    """Navier-Stokes residual of the simulated field inside Raissi's window.

    Evaluated on the 3/2-padded grid, where the products of the kept modes are
    exact, so it is the residual of the field's Fourier interpolant (the field
    the observations sample): u_t from five consecutive time steps (fourth
    order), derivatives spectral, the pressure from lap p = div(f - (u.grad)u)
    with f the penalisation and fringe forcing as the solver applies it (zero
    in the window up to its truncation), plus the uniform pressure gradient
    mean(f) that holds the mean flow at (1, 0).
    """

    def __init__(self, g):
        self.g = g
        self.p = Grid(g.n * 3 // 2, g.dt)
        self.ix = (self.p.x >= XS[0]) & (self.p.x <= XS[-1])
        self.iy = (self.p.y >= YS[0]) & (self.p.y <= YS[-1])
        self.rows = []

    def add(self, hist):
        g, p = self.g, self.p
        wh = hist[2]
        wth = (hist[0] - 8 * hist[1] + 8 * hist[3] - hist[4]) / (12 * g.dt)
        uh, vh = g.velocity_hat(wh)
        u, v = g.inv(uh), g.inv(vh)
        fxh = g.filter * g.fwd(-g.damp * u + g.lam)
        fyh = g.filter * g.fwd(-g.damp * v)
        W, Wt, Fx, Fy = (resample(a, g, p) for a in (wh, wth, fxh, fyh))
        Uh, Vh = p.velocity_hat(W)
        Uth, Vth = p.velocity_hat(Wt)
        Uth[0, 0] = 0.0
        k2 = -(p.ikx**2 + p.iky**2).real  # |k|^2
        win = lambda a: a[self.iy][:, self.ix]
        inv = lambda a: win(p.inv(a))
        u, v, w = p.inv(Uh), p.inv(Vh), p.inv(W)
        ux, uy, vx, vy = p.inv(p.ikx * Uh), p.inv(p.iky * Uh), p.inv(p.ikx * Vh), p.inv(p.iky * Vh)
        nx_, ny_ = u * ux + v * uy, u * vx + v * vy
        pn = (p.ikx * p.fwd(nx_) + p.iky * p.fwd(ny_)) * p.inv_k2  # lap pN = -div N
        pf = -(p.ikx * Fx + p.iky * Fy) * p.inv_k2  # lap pf = div f
        mean = p.nx * p.ny
        self.rows.append(
            dict(
                ut=inv(Uth), vt=inv(Vth), wt=inv(Wt),
                nx=win(nx_), ny=win(ny_),
                pnx=inv(p.ikx * pn), pny=inv(p.iky * pn),
                pfx=inv(p.ikx * pf) + Fx[0, 0].real / mean, pfy=inv(p.iky * pf) + Fy[0, 0].real / mean,
                lapu=inv(-k2 * Uh), lapv=inv(-k2 * Vh), lapw=inv(-k2 * W),
                adv=win(u * p.inv(p.ikx * W) + v * p.inv(p.iky * W)),
                fx=inv(Fx), fy=inv(Fy), curlf=inv(p.ikx * Fy - p.iky * Fx),
            )
        )

    def report(self):
        r = {k: np.concatenate([np.ravel(row[k]) for row in self.rows]) for k in self.rows[0]}
        rms = lambda a: np.sqrt(np.mean(a**2))
        cat = lambda a, b: np.concatenate([r[a], r[b]])
        terms = {
            "u_t": cat("ut", "vt"),
            "(u.grad)u": cat("nx", "ny"),
            "grad p": cat("pnx", "pny") + cat("pfx", "pfy"),
            "0.01 lap u": NU * cat("lapu", "lapv"),
        }
        res = terms["u_t"] + terms["(u.grad)u"] + terms["grad p"] - terms["0.01 lap u"]
        big = max(rms(a) for a in terms.values())
        out = {"terms": {k: rms(a) for k, a in terms.items()}, "mom_rms": rms(res) / big}
        out["mom_max"] = np.abs(res).max() / max(np.abs(a).max() for a in terms.values())
        out["force_rms"] = rms(cat("fx", "fy")) / big
        wterms = {"w_t": r["wt"], "(u.grad)w": r["adv"], "0.01 lap w": NU * r["lapw"]}
        wres = r["wt"] + r["adv"] - NU * r["lapw"]
        out["vort_rms"] = rms(wres) / max(rms(a) for a in wterms.values())
        out["wterms"] = {k: rms(a) for k, a in wterms.items()}
        out["vort_force_rms"] = rms(wres - r["curlf"]) / max(rms(a) for a in wterms.values())
        # least squares: w_t + C1 (u.grad)w - C2 lap w = 0 (the curl: p drops out, as it is free in the PINN)
        a = np.stack([r["adv"], -r["lapw"]], axis=1)
        out["fit_vort"] = np.linalg.lstsq(a, -r["wt"], rcond=None)[0]
        # u_t + C1 ((u.grad)u + grad pN) + grad pf - C2 lap u = 0, with lap pN = -div (u.grad)u
        a = np.stack([cat("nx", "ny") + cat("pnx", "pny"), -cat("lapu", "lapv")], axis=1)
        out["fit_mom"] = np.linalg.lstsq(a, -(cat("ut", "vt") + cat("pfx", "pfy")), rcond=None)[0]
        return out


TRANSIENT = (12, 0.04, 80.0)  # points per unit length, time step, duration (with the kick)
MAIN = (32, 0.02, 15.0)  # the same, the last the settling time before the recording starts
CHECKS = ((24, 0.025), (40, 0.0125))  # reruns of the kept part t in [0, 7] from the recording's start
WAKE_POINT = (3.0, 0.0)


def crossings(t, f):
    """Times where f crosses its mean upwards (linear interpolation)."""
    f = f - f.mean()
    k = np.nonzero((f[:-1] < 0) & (f[1:] >= 0))[0]
    return t[k] - f[k] * (t[k + 1] - t[k]) / (f[k + 1] - f[k])


def recorder(g, t_end, residual=None):
    """Hook for run(): samples u, v on Raissi's grid every 0.1 and feeds the residual check."""
    every = int(round(0.1 / g.dt))
    assert abs(every * g.dt - 0.1) < 1e-12
    n_snap = int(round(t_end / 0.1)) + 1
    us, vs, wake = [], [], []
    hist = deque(maxlen=5)
    check = {int(round((k + 0.5) / g.dt)) for k in range(int(T_KEEP))}

    def hook(s, wh):
        if s % every == 0 and s // every < n_snap:
            u, v = g.sample_uv(wh)
            us.append(u)
            vs.append(v)
            wake.append(g.sample(g.velocity_hat(wh)[1], np.array([WAKE_POINT[0]]), np.array([WAKE_POINT[1]]))[0, 0])
        if residual is not None:
            hist.append(wh)
            if len(hist) == 5 and s - 2 in check:
                residual.add(list(hist))

    return hook, us, vs, wake


def main():
    clock = time.time()
    n, dt, span = TRANSIENT
    g = Grid(n, dt)
    wh = np.zeros((g.ny, g.nx // 2 + 1), complex)
    print(f"transient: {g.nx} x {g.ny} points, dt = {dt}, t in [0, {span}] with the kick", flush=True)
    wh = run(g, wh, 0.0, span, log=int(round(20 / dt)), kick=True)[0]

    n, dt, settle = MAIN
    main_grid = Grid(n, dt)
    wh = resample(wh, g, main_grid)
    g = main_grid
    print(f"main: {g.nx} x {g.ny} points, dt = {dt}, settling t in [{-settle}, 0] ({time.time() - clock:.0f} s)", flush=True)
    wh, ts0, cd0, cl0 = run(g, wh, -settle, 0.0, log=int(round(5 / dt)))
    start = wh.copy()
    res = Residual(g)
    hook, us, vs, wake = recorder(g, T_SNAP[-1], res)
    print(f"recording t in [0, {T_SNAP[-1] + 0.1:.0f}) ({time.time() - clock:.0f} s)", flush=True)
    wh, ts1, cd1, cl1 = run(g, wh, 0.0, T_SNAP[-1] + 0.1, on_snapshot=hook, log=int(round(5 / dt)))
    us, vs = np.array(us[: T_SNAP.size]), np.array(vs[: T_SNAP.size])
    ts, cd, cl = np.concatenate([ts0, ts1]), np.concatenate([cd0, cd1]), np.concatenate([cl0, cl1])

    # shedding: periods between upward crossings of the lift; St and Cd over the whole periods recorded
    up = crossings(ts, cl)
    rec = up[up >= 0.0]
    st = (rec.size - 1) / (rec[-1] - rec[0])
    cd_mean = cd[(ts >= rec[0]) & (ts < rec[-1])].mean()
    swing = [np.ptp(cl[(ts >= a) & (ts < b)]) / 2 for a, b in zip(up[:-1], up[1:])]
    up_v = crossings(T_SNAP, np.array(wake[: T_SNAP.size]))
    st_v = (up_v.size - 1) / (up_v[-1] - up_v[0])
    print(f"lift periods from t = {up[0]:.2f} on: {np.round(np.diff(up), 3)}; Cl amplitude {np.round(swing, 4)}")
    print(f"Strouhal number {st:.4f} from the lift over the {rec.size - 1} periods recorded, "
          f"{st_v:.4f} from v at {WAKE_POINT}; mean Cd over them {cd_mean:.4f}")
    keep = T_SNAP <= T_KEEP
    scale = np.abs(us[keep]).max()
    cd_keep = {n: cd1[ts1 < T_KEEP].mean()}

    # resolution check: rerun t in [0, 7] from the same state on a coarser and a finer grid
    diffs = {}
    for n_c, dt_c in CHECKS:
        gc = Grid(n_c, dt_c)
        hook_c, uc, vc, _ = recorder(gc, T_KEEP)
        print(f"check: {gc.nx} x {gc.ny} points, dt = {dt_c} ({time.time() - clock:.0f} s)", flush=True)
        _, tc, cdc, _ = run(gc, resample(start, g, gc), 0.0, T_KEEP, on_snapshot=hook_c)
        cd_keep[n_c] = cdc[tc < T_KEEP].mean()
        du = np.maximum(np.abs(np.array(uc) - us[keep]), np.abs(np.array(vc) - vs[keep])).reshape(keep.sum(), -1)
        diffs[n_c] = du.max(axis=1) / scale
        print(f"  largest |du|, |dv| / max|u| at t = 1, 3, 5, 7: {np.round(diffs[n_c][[10, 30, 50, 70]], 4)}; "
              f"over t <= 7: {diffs[n_c].max():.4f} (rms {np.sqrt(np.mean(du**2)) / scale:.4f})")
    print("mean Cd over t in [0, 7] by points per unit length:", {k: round(float(v), 4) for k, v in sorted(cd_keep.items())})
    (n1, c1), (n2, c2) = sorted(cd_keep.items())[-2:]
    print(f"  first-order extrapolation to dx -> 0 from {n1} and {n2}: {(n2 * c2 - n1 * c1) / (n2 - n1):.4f}")

    r = res.report()
    print("window rms of the momentum terms:", {k: float(f"{v:.3g}") for k, v in r["terms"].items()})
    print(f"momentum residual / largest term: rms {r['mom_rms']:.2e}, max {r['mom_max']:.2e}; "
          f"truncated forcing in the window: rms {r['force_rms']:.2e}")
    print("window rms of the vorticity terms:", {k: float(f"{v:.3g}") for k, v in r["wterms"].items()})
    print(f"vorticity residual / largest term: rms {r['vort_rms']:.2e}")
    print(f"vorticity residual less the curl of the truncated forcing: rms {r['vort_force_rms']:.2e}")
    print(f"least-squares C1, C2 from the vorticity equation: {r['fit_vort'][0]:.7f}, {r['fit_vort'][1]:.8f}")
    print(f"least-squares C1, C2 from the momentum equations: {r['fit_mom'][0]:.7f}, {r['fit_mom'][1]:.8f}")

    # observations: points in the order of the grid (x fastest), times t <= 7 for each point
    xx, yy = np.meshgrid(XS, YS)
    t_keep = T_SNAP[keep]
    n_pts = xx.size
    rows = np.stack(
        [
            np.repeat(xx.ravel(), t_keep.size),
            np.repeat(yy.ravel(), t_keep.size),
            np.tile(t_keep, n_pts),
            us[keep].reshape(t_keep.size, n_pts).T.ravel(),
            vs[keep].reshape(t_keep.size, n_pts).T.ravel(),
        ],
        axis=1,
    )
    idx = np.random.default_rng(SEED).choice(rows.shape[0], NUM, replace=False)
    with open(OUT / "navier_stokes_inverse.csv", "w") as f:
        f.write("x,y,t,u,v\n")
        for row in rows[np.sort(idx)]:
            f.write(",".join(f"{v:.{DIGITS}g}" for v in row) + "\n")
    print(f"wrote {OUT / 'navier_stokes_inverse.csv'} ({time.time() - clock:.0f} s)")


if __name__ == "__main__":
    main()
