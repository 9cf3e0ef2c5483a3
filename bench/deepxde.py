"""Runs DeepXDE's own example scripts, for the baseline column of
examples/deepxde/README.md.

Usage (from the repository root, in a virtual environment holding
`deepxde` and `torch`; DeepXDE's examples from a clone of its repository):

    python bench/deepxde.py DEEPXDE_CLONE pinn_forward/elasticity_plate.py ...

Each script runs unchanged on DeepXDE's PyTorch back end, on the CPU, in
its own directory (so that its `../dataset/` paths resolve), except that
`dde.saveplot(...)` is dropped (no plot windows), the scripts that import
TensorFlow's `tf` for `tf.sin` and the like get PyTorch's functions of the
same names (what their comments tell PyTorch users to write), as do those
that define `sin` or `cos` per back end with no PyTorch branch, and, where
the script gives its data a `solution`, a few lines are appended that print
the relative L2 error of each output on the data's test points. Scripts that print their own
"L2 relative error" (such as Burgers.py, against its dataset) keep theirs.
The table printed at the end gives each script's errors and wall time;
with DEEPXDE_LOGS=DIR set, each script's whole output (its loss history)
is also written to DIR/SCRIPT.log.
Single-threaded by default (OMP_NUM_THREADS=1, OMP_WAIT_POLICY=PASSIVE), to
run beside `physc run` on a shared machine; set OMP_NUM_THREADS to change it.
"""

import os
import re
import subprocess
import sys
import tempfile
import time

# Appended to every script: the relative L2 error of each output column on
# the test points of `data`, when the script gave it an exact solution.
EVALUATION = """
import numpy as _np
if getattr(data, "soln", None) is not None:
    _x = data.test_x
    _exact = data.soln(_x)
    _pred = model.predict(_x)
    for _i in range(_exact.shape[1]):
        _e = _np.linalg.norm(_pred[:, _i] - _exact[:, _i]) / _np.linalg.norm(_exact[:, _i])
        print(f"output {_i}: relative L2 error {_e:.3e}")
"""


def prepare(source):
    """The script without its plotting call, on PyTorch's functions, with
    the evaluation appended."""
    kept = [line for line in source.splitlines() if not line.startswith("dde.saveplot(")]
    kept = ["import torch as tf" if line == "from deepxde.backend import tf" else line for line in kept]
    # Scripts that pick `sin`, `cos` or `exp` per back end and name no
    # PyTorch branch (Klein_Gordon.py): PyTorch's, as its users write them.
    if any(line.startswith("if dde.backend.backend_name") for line in kept):
        kept = [
            line + "\nfrom torch import cos, exp, sin" if line == "import deepxde as dde" else line
            for line in kept
        ]
    return "\n".join(kept) + "\n" + EVALUATION


def run(clone, script):
    path = os.path.join(clone, "examples", script)
    with open(path) as f:
        source = prepare(f.read())
    env = dict(os.environ, DDE_BACKEND="pytorch", MPLBACKEND="Agg")
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    folder = os.path.dirname(path)
    with tempfile.NamedTemporaryFile("w", suffix=".py", dir=folder, delete=False) as f:
        f.write(source)
        runnable = f.name
    start = time.time()
    try:
        done = subprocess.run(
            [sys.executable, runnable], cwd=folder, env=env, capture_output=True, text=True
        )
    finally:
        os.remove(runnable)
    wall = time.time() - start
    output = done.stdout + done.stderr
    logs = os.environ.get("DEEPXDE_LOGS")
    if logs:
        os.makedirs(logs, exist_ok=True)
        with open(os.path.join(logs, os.path.basename(script) + ".log"), "w") as f:
            f.write(output)
    if done.returncode != 0:
        return "failed: " + output.strip().splitlines()[-1], wall
    errors = re.findall(r"output (\d+): relative L2 error (\S+)", output)
    errors = [f"{i}: {e}" for i, e in errors]
    # The script's own figures: "L2 relative error: ..." or, one per
    # output, "L2 relative error in u: ...".
    own = re.findall(r"L2 relative error( in \w+)?: \[?([0-9.eE+-]+)", output)
    for name, value in own:
        errors.append(f"script's own{name}: {float(value):.3e}")
    return ", ".join(errors) or "no error printed", wall


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    clone, scripts = sys.argv[1], sys.argv[2:]
    print("| DeepXDE script | relative L2 error (per output) | wall time |")
    print("| --- | --- | --- |")
    for script in scripts:
        errors, wall = run(clone, script)
        print(f"| {script} | {errors} | {wall:.0f} s |", flush=True)


if __name__ == "__main__":
    main()
