"""The PyTorch baseline of `cargo bench -p physc-runtime --bench adam_step`.

Raissi's Burgers problem as PINN codes write it: an 8x20 tanh MLP, u_t, u_x
and u_xx by torch.autograd.grad(create_graph=True), 10,000 collocation
points, 150 initial and 150 boundary points, one Adam step. Prints the
median milliseconds of a step. Usage: torch_adam_step.py float32|float64 [steps]
"""

import math
import sys
import time

import torch

dtype = {"float32": torch.float32, "float64": torch.float64}[sys.argv[1]]
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 30
torch.manual_seed(0)
torch.set_default_dtype(dtype)

layers = [2] + [20] * 8 + [1]
modules = []
for a, b in zip(layers[:-1], layers[1:]):
    linear = torch.nn.Linear(a, b)
    torch.nn.init.xavier_normal_(linear.weight)
    torch.nn.init.zeros_(linear.bias)
    modules += [linear, torch.nn.Tanh()]
net = torch.nn.Sequential(*modules[:-1])

x = (torch.rand(10000, 1) * 2 - 1).requires_grad_(True)
t = torch.rand(10000, 1).requires_grad_(True)
x0 = torch.rand(150, 1) * 2 - 1
ic = torch.cat([x0, torch.zeros_like(x0)], 1)
tb = torch.rand(150, 1)
bc = torch.cat([torch.where(torch.rand(150, 1) < 0.5, -1.0, 1.0), tb], 1)
nu = 0.01 / math.pi
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)


def step():
    optimizer.zero_grad()
    u = net(torch.cat([x, t], 1))
    u_x, u_t = torch.autograd.grad(u.sum(), (x, t), create_graph=True)
    (u_xx,) = torch.autograd.grad(u_x.sum(), x, create_graph=True)
    pde = ((u_t + u * u_x - nu * u_xx) ** 2).mean()
    loss = pde + ((net(ic) + torch.sin(math.pi * x0)) ** 2).mean() + (net(bc) ** 2).mean()
    loss.backward()
    optimizer.step()


step()
times = []
for _ in range(steps):
    start = time.perf_counter()
    step()
    times.append((time.perf_counter() - start) * 1e3)
times.sort()
print(f"{times[len(times) // 2]:.2f}")
