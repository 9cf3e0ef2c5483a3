#!/bin/sh
# Compares network architectures on one model over several seeds and prints
# one Markdown table: architecture, relative L2 error per seed, the median,
# and the median wall time.
#   sh bench/methods.sh MODEL 'mlp(depth = 4, width = 64)' 'modified_mlp(...)' ...
# Each architecture replaces the model's one `net NAME = ...` line; TRAIN,
# when set, replaces its one-line `train { ... }` block (the budget), and
# the seed is appended to it. SEEDS (default "0 1 2") lists the seeds.
# Needs only a release build and Python 3 (no packages). Run from the
# repository root.
set -eu
cargo build -q --release --locked
physc=$PWD/target/release/physc
model=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dir=$(dirname "$model")
echo "| network | errors (seeds ${SEEDS:-0 1 2}) | median | median wall time |"
echo "| --- | --- | --- | --- |"
for net in "$@"; do
    results=""
    for seed in ${SEEDS:-0 1 2}; do
        # The variant sits beside the model, so its data files resolve.
        variant="$dir/.methods_$$_$seed.phy"
        python3 - "$model" "$net" "$seed" "${TRAIN:-}" > "$variant" <<'PY'
import re, sys
model, net, seed, train = sys.argv[1:]
text = open(model).read()
text = re.sub(r"(?m)^(net \w+ = ).*$", lambda m: m.group(1) + net, text, count=1)
if train:
    text = re.sub(r"(?m)^train \{.*\}$", lambda m: train, text, count=1)
text = re.sub(r"(?m)^(train \{.*)\}$", lambda m: m.group(1).rstrip() + "; seed = " + seed + " }", text, count=1)
print(text, end="")
PY
        run="$work/run_$seed"
        if "$physc" run --quiet "$variant" -o "$run" > "$work/log" 2>&1; then
            results="$results $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%s:%s" % (max(s["rel_l2"].values()), s["wall_seconds"]))' "$run/summary.json")"
        else
            results="$results failed:0"
        fi
        rm -f "$variant"
    done
    python3 - "$net" $results <<'PY'
import statistics, sys
net, *runs = sys.argv[1:]
errors = [r.split(":")[0] for r in runs]
times = [float(r.split(":")[1]) for r in runs]
finite = sorted(float(e) for e in errors if e != "failed")
median = "%.2e" % statistics.median(finite) if finite else "-"
print("| `%s` | %s | %s | %.0f s |" % (net, ", ".join(e if e == "failed" else "%.2e" % float(e) for e in errors), median, statistics.median(times)))
PY
done
