#!/bin/sh
# Trains examples with their default budgets and prints one Markdown table:
# example, relative L2 error of each field against its `exact` solution or
# `reference` (learned scalars with their values), steps, wall time and the
# published figure where the literature has one. With no arguments it
# trains every example under examples/ and examples/deepxde/ (hours on two
# cores); name files to train some:
#   sh bench/examples.sh examples/deepxde/ide.phy examples/heat.phy
# Needs only a release build and Python 3 (no packages). Run from the
# repository root. Extra options for `physc run` go in PHYSC_RUN_OPTIONS
# (for instance `--backend cpu`); PHYSC names another binary than the
# release build (a copy, so that builds during the run leave it alone).
set -eu
if [ -z "${PHYSC:-}" ]; then
    cargo build -q --release --locked
fi
physc=${PHYSC:-$PWD/target/release/physc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ $# -eq 0 ]; then
    set -- examples/*.phy examples/deepxde/*.phy
fi
echo "| example | relative L2 error | learned | steps | wall time | published |"
echo "| --- | --- | --- | --- | --- | --- |"
for model in "$@"; do
    name=$(echo "$model" | sed 's|^examples/||; s|\.phy$||')
    run="$work/$(echo "$name" | tr '/' '_')"
    # shellcheck disable=SC2086
    if ! "$physc" run --quiet ${PHYSC_RUN_OPTIONS:-} "$model" -o "$run" > "$run.log" 2>&1; then
        echo "| $name | did not train: $(tail -n 1 "$run.log") | | | | |"
        continue
    fi
    python3 - "$name" "$run/summary.json" <<'PY'
import json, sys
name, path = sys.argv[1:]
s = json.load(open(path))
# Published errors of the same problems (relative L2).
published = {
    "burgers": "6.7e-4 (Raissi et al. 2019)",
    "deepxde/burgers": "6.7e-4 (Raissi et al. 2019)",
    "schrodinger": "1.97e-3 in |h| (Raissi et al. 2019)",
    "deepxde/schrodinger": "1.97e-3 in |h| (Raissi et al. 2019)",
    "allen_cahn": "2.24e-5 (PirateNets)",
    "kdv_cosine": "4.27e-4 (PirateNets)",
    "wave_modes": "about 1e-3 (Wang, Yu and Perdikaris 2022)",
}
errors = ", ".join(f"{k} {v:.2e}" for k, v in s["rel_l2"].items()) or "no reference"
# A learned scalar with an `exact` value: its relative error beside it.
errors_of = s.get("learned_error", {})
learned = ", ".join(
    f"{k} = {v:.6g}" + (f" (error {errors_of[k]:.1e})" if k in errors_of else "")
    for k, v in s["learned"].items()
)
print(f"| {name} | {errors} | {learned} | {s['steps']} | {s['wall_seconds']:.0f} s | {published.get(name, '')} |")
PY
done
