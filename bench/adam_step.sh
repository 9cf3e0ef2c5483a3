#!/bin/sh
# One Adam step on Burgers (8x20 tanh, 10,000 + 300 points): physc's JIT
# and burn back ends in float64 and float32 against PyTorch with 2 threads
# (autograd.grad with create_graph, OMP_WAIT_POLICY=PASSIVE), measured in
# one run, interleaved, ROUNDS times; prints every median, the medians of
# medians and the ratios to PyTorch. Needs a Python with torch:
# PYTHON=.venv/bin/python. Run from the repository root: sh bench/adam_step.sh
set -eu
PYTHON=${PYTHON:-.venv/bin/python}
ROUNDS=${ROUNDS:-3}
export OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE
cargo bench -q -p physc-runtime --bench adam_step --no-run 2>/dev/null
bench=$(ls -t target/release/deps/adam_step-* | grep -v '\.d$' | head -n 1)
physc_ms() { PHYSC_BENCH_BACKEND=$1 PHYSC_BENCH_PRECISION=$2 "$bench" | awk '/Adam step/ { print $3 }'; }
rows=""
for round in $(seq "$ROUNDS"); do
    j64=$(physc_ms jit float64); j32=$(physc_ms jit float32)
    b64=$(physc_ms cpu float64); b32=$(physc_ms cpu float32)
    t64=$("$PYTHON" bench/torch_adam_step.py float64); t32=$("$PYTHON" bench/torch_adam_step.py float32)
    echo "round $round: jit f64 $j64, jit f32 $j32, burn f64 $b64, burn f32 $b32, torch f64 $t64, torch f32 $t32 (ms)"
    rows="$rows$j64 $j32 $b64 $b32 $t64 $t32
"
done
printf '%s' "$rows" | awk '
    { for (i = 1; i <= 6; i++) v[i, NR] = $i }
    END {
        n = NR
        for (i = 1; i <= 6; i++) {
            for (a = 1; a <= n; a++) s[a] = v[i, a]
            for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (s[b] < s[a]) { x = s[a]; s[a] = s[b]; s[b] = x }
            m[i] = s[int((n + 1) / 2)]
        }
        printf "medians (ms): jit f64 %.1f, jit f32 %.1f, burn f64 %.1f, burn f32 %.1f, torch f64 %.1f, torch f32 %.1f\n", m[1], m[2], m[3], m[4], m[5], m[6]
        printf "torch / jit:  float64 %.2fx, float32 %.2fx\n", m[5] / m[1], m[6] / m[2]
        printf "torch / burn: float64 %.2fx, float32 %.2fx\n", m[5] / m[3], m[6] / m[4]
    }'
PHYSC_BENCH_BACKEND=jit PHYSC_BENCH_PRECISION=float64 "$bench" | grep 'GFLOP' | sed 's/^ */jit float64: /'
PHYSC_BENCH_BACKEND=jit PHYSC_BENCH_PRECISION=float32 "$bench" | grep 'GFLOP' | sed 's/^ */jit float32: /'
