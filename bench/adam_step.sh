#!/bin/sh
# One Adam step on Burgers (8x20 tanh, 10,000 + 300 points): physc in
# float64 and float32 against PyTorch with 2 threads, measured in one run,
# interleaved, ROUNDS times; prints every median and the ratios of the
# medians of medians. Needs a Python with torch: PYTHON=.venv/bin/python.
# Run from the repository root: sh bench/adam_step.sh
set -eu
PYTHON=${PYTHON:-.venv/bin/python}
ROUNDS=${ROUNDS:-3}
export OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE
cargo bench -q -p physc-runtime --bench adam_step --no-run 2>/dev/null
bench=$(ls -t target/release/deps/adam_step-* | grep -v '\.d$' | head -n 1)
physc_ms() { PHYSC_BENCH_PRECISION=$1 "$bench" | awk '/Adam step/ { print $3 }'; }
rows=""
for round in $(seq "$ROUNDS"); do
    p64=$(physc_ms float64); p32=$(physc_ms float32)
    t64=$("$PYTHON" bench/torch_adam_step.py float64); t32=$("$PYTHON" bench/torch_adam_step.py float32)
    echo "round $round: physc f64 $p64 ms, physc f32 $p32 ms, torch f64 $t64 ms, torch f32 $t32 ms"
    rows="$rows$p64 $p32 $t64 $t32
"
done
printf '%s' "$rows" | awk '
    { for (i = 1; i <= 4; i++) v[i, NR] = $i }
    END {
        n = NR
        for (i = 1; i <= 4; i++) {
            for (a = 1; a <= n; a++) s[a] = v[i, a]
            for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (s[b] < s[a]) { x = s[a]; s[a] = s[b]; s[b] = x }
            m[i] = s[int((n + 1) / 2)]
        }
        printf "medians: physc f64 %.1f ms, physc f32 %.1f ms, torch f64 %.1f ms, torch f32 %.1f ms\n", m[1], m[2], m[3], m[4]
        printf "physc / torch: float64 %.2fx, float32 %.2fx\n", m[1] / m[3], m[2] / m[4]
    }'
