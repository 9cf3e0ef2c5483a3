#!/bin/sh
# The neural ODE example over seeds 0-2 (SEEDS): trains
# examples/damped_pendulum_ode.phy with its default budget, then simulates
# from each held-out initial state of examples/damped_pendulum_heldout.csv
# over its whole trajectory (t in [0, 10]) and prints the relative L2 error
# of the predicted states against the held-out ones, with the training
# time. Needs only a release build and Python 3 (no packages). Run from
# the repository root: sh bench/neural_ode.sh
set -eu
SEEDS=${SEEDS:-0 1 2}
cargo build -q --release --locked
physc=target/release/physc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/damped_pendulum.csv "$work/"
for seed in $SEEDS; do
    model="$work/seed$seed.phy"
    sed "s/lbfgs(steps = 300) }/lbfgs(steps = 300); seed = $seed }/" examples/damped_pendulum_ode.phy > "$model"
    start=$(date +%s)
    "$physc" run --quiet "$model" -o "$work/run$seed"
    seconds=$(( $(date +%s) - start ))
    python3 - "$physc" "$model" "$work/run$seed" "$seed" "$seconds" <<'PY'
import csv, math, subprocess, sys
physc, model, run, seed, seconds = sys.argv[1:]
rows = [[float(v) for v in r] for r in list(csv.reader(open("examples/damped_pendulum_heldout.csv")))[1:]]
runs, start = [], 0
for k in range(1, len(rows) + 1):
    if k == len(rows) or rows[k][0] <= rows[k - 1][0]:
        runs.append(rows[start:k])
        start = k
errors = []
for n, held in enumerate(runs):
    out = f"{run}/heldout{n}.csv"
    subprocess.run([physc, "simulate", model, "--run", run, "--initial", f"q={held[0][1]!r},p={held[0][2]!r}",
                    "--t", f"0..{held[-1][0]!r}", "--dt", "0.1", "-o", out], check=True, capture_output=True)
    sim = [[float(v) for v in r] for r in list(csv.reader(open(out)))[1:]]
    assert len(sim) == len(held), (len(sim), len(held))
    num = sum((s[1] - h[1]) ** 2 + (s[2] - h[2]) ** 2 for s, h in zip(sim, held))
    den = sum(h[1] ** 2 + h[2] ** 2 for h in held)
    errors.append(math.sqrt(num / den))
print(f"seed {seed}: held-out relative L2 errors " + ", ".join(f"{e:.1e}" for e in errors) + f"; trained in {seconds} s")
PY
done
