#!/usr/bin/env bats
# plot.bats: scripts/plot.py on small fixtures: the files it writes (non-empty PNG, SVG, PDF), the series
# each plot drew (--check), the Gantt chart of a trace, and clear errors for bad input. It needs a python
# with matplotlib (make deps installs python3-matplotlib); plot.py finds it even when the python3 first on
# PATH lacks it.
load ../lib/common

REPO="$BATS_TEST_DIRNAME/../.."
PLOT="$REPO/scripts/plot.py"
FIXTURES="$BATS_TEST_DIRNAME/../fixtures"

is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

@test "plot.py --help works under any python, with or without matplotlib" {
    run "$PLOT" --help
    [ "$status" -eq 0 ]
    for word in --out --format --trace --check speedup efficiency karp-flatt runtime gantt weak; do
        [[ "$output" == *"$word"* ]] || { echo "missing: $word"; return 1; }
    done
}

@test "plot.py finds a python with matplotlib" {
    run "$PLOT" --probe
    [ "$status" -eq 0 ] || { echo "$output"; echo "the plot tests need matplotlib: make deps"; return 1; }
    [[ "$output" == "matplotlib "*" in "* ]]
}

@test "strong scaling: four non-empty PNGs with the ideal line, the points and the Amdahl curve" {
    "$PRIMES" analyze --drop-outliers --csv "$SCRATCH/summary.csv" "$FIXTURES/analyze/amdahl-f0.2.csv" >/dev/null
    run "$PLOT" --check --out "$SCRATCH/plots" "$SCRATCH/summary.csv"
    [ "$status" -eq 0 ]
    for name in speedup efficiency karp-flatt runtime; do
        is_png "$SCRATCH/plots/count-sieve-n1e10-$name.png" || { echo "no PNG: $name"; return 1; }
        [[ "$output" == *"$SCRATCH/plots/count-sieve-n1e10-$name.png"* ]]
    done
    [[ "$output" == *"title: count by sieve, n = 10^10: speedup (strong scaling)"* ]]
    [[ "$output" == *"line ideal: 2 points x=[1, 4] y=[1, 4]"* ]]
    [[ "$output" == *"points omp: 3 points x=[1, 2, 4] y=[1, 1.667, 2.5]"* ]]
    [[ "$output" == *"curve amdahl omp f=0.2: "* ]]
    [[ "$output" == *"points omp: 2 points x=[2, 4] y=[0.2, 0.2]"* ]]         # Karp-Flatt
    [[ "$output" == *"points serial: 1 points x=[1] y=[10]"* ]]               # runtime
    [ "$(find "$SCRATCH/plots" -name '*.png' | wc -l)" -eq 4 ]
}

@test "weak scaling: scaled speedup, weak efficiency and runtime with the Gustafson fit" {
    "$PRIMES" analyze --weak --csv "$SCRATCH/weak.csv" "$FIXTURES/analyze/weak-alpha0.1.csv" >/dev/null
    run "$PLOT" --check --out "$SCRATCH/plots" "$SCRATCH/weak.csv"
    [ "$status" -eq 0 ]
    for name in scaled-speedup weak-efficiency runtime; do
        is_png "$SCRATCH/plots/count-sieve-weak-n1e8-$name.png" || { echo "no PNG: $name"; return 1; }
    done
    [[ "$output" == *"title: count by sieve, weak scaling from n = 10^8: weak-scaling efficiency"* ]]
    [[ "$output" =~ curve\ gustafson\ omp\ alpha=0\.(09|10) ]]
    [[ "$output" =~ points\ omp:\ 3\ points\ x=\[1,\ 2,\ 4\]\ y=\[1,\ 0\.95[0-9]*,\ 0\.92 ]]
}

@test "a Gantt chart per trace: one bar row per worker, a chosen repetition" {
    trace="$FIXTURES/plot/product-sieve-n1000000-omp-1x2-round1.csv"
    run "$PLOT" --check --out "$SCRATCH/plots" --trace "$trace" --rep 2
    [ "$status" -eq 0 ]
    is_png "$SCRATCH/plots/gantt-product-sieve-n1000000-omp-1x2-round1.png"
    [[ "$output" == *"title: Per-worker timeline: product by sieve, n = 10^6, omp 1x2"* ]]
    [[ "$output" == *"bars rank 0 thread 0: "* && "$output" == *"bars rank 0 thread 1: "* ]]
    run "$PLOT" --out "$SCRATCH/plots" --trace "$trace" --rep 3
    [ "$status" -eq 2 ]
    [[ "$output" == *"no repetition 3 in the trace (it has 1, 2)"* ]]
}

@test "--format svg,pdf writes both" {
    "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$FIXTURES/analyze/amdahl-f0.2.csv" >/dev/null
    run "$PLOT" --format svg,pdf --out "$SCRATCH/vec" "$SCRATCH/summary.csv"
    [ "$status" -eq 0 ]
    grep -q "<svg" "$SCRATCH/vec/count-sieve-n1e10-speedup.svg"
    [ "$(head -c 4 "$SCRATCH/vec/count-sieve-n1e10-speedup.pdf")" = "%PDF" ]
    [ "$(find "$SCRATCH/vec" -name '*.png' | wc -l)" -eq 0 ]
}

@test "bad input: a runs CSV instead of a summary, a missing file, a bad format" {
    run "$PLOT" --out "$SCRATCH/p" "$FIXTURES/analyze/amdahl-f0.2.csv"
    [ "$status" -eq 2 ]
    [[ "$output" == "plot.py: "*"amdahl-f0.2.csv:1: missing columns"*"not a summary of primes analyze --csv" ]]
    run "$PLOT" "$SCRATCH/none.csv"
    [ "$status" -eq 2 ]
    [[ "$output" == "plot.py: $SCRATCH/none.csv: cannot open: No such file or directory" ]]
    run "$PLOT" --format gif x.csv
    [ "$status" -eq 2 ]
    [[ "$output" == *"--format: 'gif' is not png, svg or pdf"* ]]
}

@test "a trace alone draws the whole run: it carries its kernel, n, model and how each repetition ended" {
    "$PRIMES" product -n 1e6 -t 2 -r 2 -q --trace "$SCRATCH/anything.csv" >/dev/null
    head -n 1 "$SCRATCH/anything.csv" | grep -q ',kernel,method,from,n,model,ranks,threads,wall_s,settle_s,merge_s$'
    run "$PLOT" --check --out "$SCRATCH/plots" --trace "$SCRATCH/anything.csv" --rep 2
    [ "$status" -eq 0 ]
    [[ "$output" == *"title: Per-worker timeline: product by sieve, n = 10^6, omp 1x2"* ]]
    [[ "$output" == *"span merge: 2 points"* ]]
    is_png "$SCRATCH/plots/gantt-anything.png"
}

@test "plots grey the worker counts beyond the cores and cross the points that lost disturbed runs" {
    python3 - "$FIXTURES/analyze/amdahl-f0.2.csv" "$SCRATCH/runs.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out = csv.DictWriter(open(sys.argv[2], "w", newline=""), fieldnames=list(rows[0]) + ["disturbed"])
out.writeheader()
seen = 0
for r in rows:
    r["cores_online"] = r["cores_allowed"] = "2"        # 4 workers on 2 cores: oversubscribed
    seen += r["threads"] == "2"
    r["disturbed"] = "true" if r["threads"] == "2" and seen % 2 else "false"   # 3 of the 5 at 2 workers
    out.writerow(r)
PY
    "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$SCRATCH/runs.csv" >/dev/null
    run "$PLOT" --check --out "$SCRATCH/plots" "$SCRATCH/summary.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"disturbed omp: 1 points x=[2] y=[3]"* ]]
    grep -q . "$SCRATCH/plots/count-sieve-n1e10-speedup.png"
    python3 - "$SCRATCH/summary.csv" <<'PY'
import csv, sys
rows = {(r["model"], r["workers"]): r for r in csv.DictReader(open(sys.argv[1]))}
assert rows[("omp", "2")]["disturbed"] == "3" and rows[("omp", "2")]["used"] == "2", rows[("omp", "2")]
assert rows[("omp", "4")]["oversubscribed"] == "true"
PY
}
