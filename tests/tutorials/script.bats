#!/usr/bin/env bats
# script.bats: scripts/tutorials.sh and scripts/plot_tutorials.py: the plan covers every workload, a quick
# run goes end to end (every run verified, the table with the tutorials' numbers, the CSV with provenance,
# the figures), and bad usage is refused.
load ../lib/common

REPO="$BATS_TEST_DIRNAME/../.."

@test "tutorials.sh --help, and shellcheck finds nothing" {
    run "$REPO/scripts/tutorials.sh" --help
    [ "$status" -eq 0 ]
    [[ "$output" == "usage: scripts/tutorials.sh"* ]]
    command -v shellcheck >/dev/null || skip "no shellcheck"
    shellcheck "$REPO/scripts/tutorials.sh"
}

@test "the plan runs every workload of primes tasks, each experiment under its serial baseline" {
    run python3 "$REPO/scripts/plot_tutorials.py" --plan
    [ "$status" -eq 0 ]
    for w in $("$PRIMES" --list | awk '/^workloads of tasks:/ {getline; print}'); do
        awk -v w="$w" '$2 == w {found = 1} END {exit !found}' <<<"$output" || { echo "no run of $w"; return 1; }
        awk -v w="$w" '$2 == w && $4 == "serial" {found = 1} END {exit !found}' <<<"$output" ||
            { echo "no serial run of $w"; return 1; }
    done
}

@test "bad usage is refused with status 2" {
    run "$REPO/scripts/tutorials.sh" --reps 0 --primes "$PRIMES"
    [ "$status" -eq 2 ]
    run "$REPO/scripts/tutorials.sh" --experiments nothing --primes "$PRIMES"
    [ "$status" -eq 2 ]
    [[ "$output" == *"'nothing' is not an experiment"* ]]
    run "$REPO/scripts/tutorials.sh" --models threads --primes "$PRIMES"
    [ "$status" -eq 2 ]
    run "$REPO/scripts/tutorials.sh" --frobnicate
    [ "$status" -eq 2 ]
}

@test "a value primes refuses stops tutorials.sh before its folder is touched: one line, status 2" {
    mkdir -p "$SCRATCH/kept"
    echo '{}' >"$SCRATCH/kept/tutorials.json"
    echo keep >"$SCRATCH/kept/runs.csv"
    local t=("$REPO/scripts/tutorials.sh" --primes "$PRIMES" --dir "$SCRATCH/kept")
    check_usage "products under serial: --scale: '0' is not allowed" "${t[@]}" --scale 0
    check_usage "--scale: '1e9' is not allowed" "${t[@]}" --scale 1e9
    check_usage "--reps: '99999999999' is not allowed" "${t[@]}" --reps 99999999999
    check_usage "--warmup: '08x' is not allowed" "${t[@]}" --warmup 08x
    check_usage "--wait-quiet: '99999' is not allowed" "${t[@]}" --wait-quiet 99999
    [ "$(cat "$SCRATCH/kept/runs.csv")" = keep ]
}

@test "tutorials.sh --quick runs end to end: verified runs, the table beside the tutorials', figures" {
    run "$REPO/scripts/tutorials.sh" --quick --primes "$PRIMES" --dir "$SCRATCH/t"
    echo "$output" | tail -n 30
    [ "$status" -eq 0 ]
    d="$SCRATCH/t"
    # the table: every experiment, the tutorials' own numbers beside ours
    for e in products counting files files-sync waiting calls idle busy mixed pool-products pool-mixed; do
        grep -q "^$e " "$d/table.txt" || { echo "no $e in the table"; return 1; }
    done
    grep -q '^counting .*76.6 s .*serial' "$d/table.txt"
    grep -q '4 processes' "$d/table.txt"
    [[ "$output" == *"experiment"*"ours (s)"*"tutorial (s)"*"our speedup"*"their speedup"* ]]
    # one CSV row per timed run, every one verified, with provenance
    plan=$(python3 "$REPO/scripts/plot_tutorials.py" --plan | wc -l)
    command -v mpirun >/dev/null || plan=$((plan - $(python3 "$REPO/scripts/plot_tutorials.py" --plan | grep -c ' mpi ')))
    [ "$(grep -c '^primes-run/5,tasks,' "$d/runs.csv")" -eq "$plan" ]
    python3 - "$d" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, "runs.csv"))))
assert all(r["verify_ok"] == "true" for r in rows), [r["verify_detail"] for r in rows if r["verify_ok"] != "true"]
assert all(r["host"] and r["git_commit"] and r["cpu_model"] and r["timestamp"] for r in rows)
comp = list(csv.DictReader(open(os.path.join(d, "comparison.csv"))))
assert len(comp) == len(rows), (len(comp), len(rows))
meta = json.load(open(os.path.join(d, "tutorials.json")))
assert meta["status"] == "complete" and meta["scale"] == 0.02, meta
# waits overlap: every concurrent model beats serial on the waiting experiment
wait = {r["model"]: float(r["ours_median_s"]) for r in comp if r["experiment"] == "waiting"}
assert all(wait[m] < 0.6 * wait["serial"] for m in wait if m != "serial"), wait
PY
    [ -s "$d/traces/idle-pthreads-dynamic.csv" ]
    if "$REPO/scripts/plot.py" --probe >/dev/null 2>&1; then
        [ -s "$d/plots/bars-counting.png" ]
        [ -s "$d/plots/timeline-idle.png" ]
        [ -s "$d/plots/gantt-pool-products-pthreads-batch.png" ]
    fi
    if "$PRIMES" overhead --help >/dev/null 2>&1; then
        grep -q 'thread create + join' "$d/overhead.txt"
        [ -s "$d/overhead.csv" ]
    fi
}
