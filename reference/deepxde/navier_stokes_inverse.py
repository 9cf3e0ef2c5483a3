"""Observations for examples/deepxde/navier_stokes_inverse.phy (docstring filled in below)."""
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
        gx = v * w - self.damp * u + self.lam
        gy = -u * w - self.damp * v
        if spin:
            gx += spin * self.spin_x
            gy += spin * self.spin_y
        force = (np.sum(self.chi_eta * u) * self.dx**2, np.sum(self.chi_eta * v) * self.dx**2)
        cfl = self.dt * (np.abs(u).max() * self.kmax[0] + np.abs(v).max() * self.kmax[1])
        nh = self.ikx * self.fwd(gy) - self.iky * self.fwd(gx)
        nh *= self.dealias
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
    assert cfl_max < 3.5, cfl_max
    return wh, ts, cd, cl
