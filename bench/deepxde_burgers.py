"""DeepXDE's own Burgers example (PyTorch back end, its default points and
network: 2540 + 80 + 160 points, 3x20 tanh; Adam 15,000 steps at 1e-3, then
L-BFGS), timed to a relative L2 error against examples/burgers_reference.csv
(the Cole-Hopf solution). Trains in segments of 1,000 steps and prints the
wall time and error after each; stops at the target or the time limit.

Usage (from the repository root, 2 threads as physc uses):
  OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE DDE_BACKEND=pytorch \
    .venv/bin/python bench/deepxde_burgers.py [target=1e-3] [limit_s=1800]
"""

import os
import sys
import time

os.environ.setdefault("DDE_BACKEND", "pytorch")
import deepxde as dde  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

target = float(sys.argv[1]) if len(sys.argv) > 1 else 1e-3
limit = float(sys.argv[2]) if len(sys.argv) > 2 else 1800.0
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))

reference = np.loadtxt("examples/burgers_reference.csv", delimiter=",", skiprows=1)
points, exact = reference[:, 0:2], reference[:, 2:3]

geom = dde.geometry.Interval(-1, 1)
timedomain = dde.geometry.TimeDomain(0, 0.99)
geomtime = dde.geometry.GeometryXTime(geom, timedomain)


def pde(x, y):
    dy_x = dde.grad.jacobian(y, x, i=0, j=0)
    dy_t = dde.grad.jacobian(y, x, i=0, j=1)
    dy_xx = dde.grad.hessian(y, x, i=0, j=0)
    return dy_t + y * dy_x - 0.01 / np.pi * dy_xx


bc = dde.icbc.DirichletBC(geomtime, lambda x: 0, lambda _, on_boundary: on_boundary)
ic = dde.icbc.IC(geomtime, lambda x: -np.sin(np.pi * x[:, 0:1]), lambda _, on_initial: on_initial)
data = dde.data.TimePDE(geomtime, pde, [bc, ic], num_domain=2540, num_boundary=80, num_initial=160)
net = dde.nn.FNN([2] + [20] * 3 + [1], "tanh", "Glorot normal")
model = dde.Model(data, net)


def error():
    predicted = model.predict(points)
    return float(np.linalg.norm(predicted - exact) / np.linalg.norm(exact))


start = time.perf_counter()
reached = None
model.compile("adam", lr=1e-3)
for segment in range(15):
    model.train(iterations=1000, display_every=1000, verbose=0)
    e = error()
    elapsed = time.perf_counter() - start
    print(f"adam {1000 * (segment + 1)}: {elapsed:.1f} s, rel L2 {e:.3e}", flush=True)
    if e <= target and reached is None:
        reached = elapsed
    if reached is not None or elapsed > limit:
        break
if reached is None and time.perf_counter() - start <= limit:
    dde.optimizers.config.set_LBFGS_options(maxiter=1000)
    model.compile("L-BFGS")
    for segment in range(15):
        model.train(display_every=1000, verbose=0)
        e = error()
        elapsed = time.perf_counter() - start
        print(f"lbfgs {1000 * (segment + 1)}: {elapsed:.1f} s, rel L2 {e:.3e}", flush=True)
        if e <= target:
            reached = elapsed
            break
        if elapsed > limit:
            break
print(f"time to {target:g}: " + (f"{reached:.1f} s" if reached is not None else "not reached"))
