#!/bin/sh
# Compares configurations of one model over several seeds and prints one
# Markdown table: configuration, relative L2 error per seed (the largest
# over the model's fields), the median, and the median wall time.
#   sh bench/methods.sh MODEL 'mlp(depth = 4, width = 64)' \
#       'modified_mlp(depth = 4, width = 64) | train { adam(steps = 1000); bfgs(steps = 2000) }'
# A configuration is a network, which replaces the model's one `net NAME =
# ...` line, then optionally `|` and a one-line `train { ... }` block,
# which replaces the model's (TRAIN, when set, is the default for those
# without). The seed is appended to the train block. SEEDS (default
# "0 1 2") lists the seeds. Needs only a release build and Python 3 (no
# packages). Run from the repository root.
set -eu
cargo build -q --release --locked
physc=$PWD/target/release/physc
model=$1
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Variants are written beside copies of the model's data files.
cp "$(dirname "$model")"/*.csv "$work"/ 2>/dev/null || true
echo "| configuration | errors (seeds ${SEEDS:-0 1 2}) | median | median wall time |"
echo "| --- | --- | --- | --- |"
for configuration in "$@"; do
    results=""
    for seed in ${SEEDS:-0 1 2}; do
        variant="$work/variant.phy"
        python3 - "$model" "$configuration" "$seed" "${TRAIN:-}" > "$variant" <<'PY'
import re, sys
model, configuration, seed, train = sys.argv[1:]
net, _, own = configuration.partition("|")
train = own.strip() or train
text = open(model).read()
text = re.sub(r"(?m)^(net \w+(, *\w+)* = ).*$", lambda m: m.group(1) + net.strip(), text, count=1)
if train:
    # The model's train block, on one line or several.
    text = re.sub(r"(?ms)^train \{.*?\}[ \t]*$", lambda m: train, text, count=1)
text = re.sub(r"(?m)^(train \{.*)\}$", lambda m: m.group(1).rstrip() + "; seed = " + seed + " }", text, count=1)
print(text, end="")
PY
        run="$work/run_$seed"
        if "$physc" run --quiet "$variant" -o "$run" > "$work/log" 2>&1; then
            results="$results $(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%s:%s" % (max(s["rel_l2"].values()), s["wall_seconds"]))' "$run/summary.json")"
        else
            results="$results failed:0"
        fi
    done
    python3 - "$configuration" $results <<'PY'
import statistics, sys
configuration, *runs = sys.argv[1:]
errors = [r.split(":")[0] for r in runs]
times = [float(r.split(":")[1]) for r in runs]
finite = sorted(float(e) for e in errors if e != "failed")
median = "%.2e" % statistics.median(finite) if finite else "-"
shown = ", ".join(e if e == "failed" else "%.2e" % float(e) for e in errors)
print("| `%s` | %s | %s | %.0f s |" % (configuration, shown, median, statistics.median(times)))
PY
done
