#!/usr/bin/env bats
# tasks.bats: primes tasks, the tutorials' workloads: every workload verifies under every model at small
# scales, waits last at least their length and overlap under every concurrent model, the files are checked
# and leave nothing behind, and a file system too small stops the run before anything is written.
load ../lib/common

WORKLOADS="products counting files files-sync waiting calls idle busy mixed"

# run_json ARGS...: one JSON line of primes tasks ARGS (stderr to $SCRATCH/stderr)
run_json() {
    "$PRIMES" tasks --json -q "$@" 2>"$SCRATCH/stderr"
}

# wall_of JSON: wall_s
wall_of() { json_get wall_s <<<"$1"; }

# check_range VALUE LOW HIGH: LOW <= VALUE < HIGH (reals)
check_range() {
    python3 -c 'import sys; v, lo, hi = map(float, sys.argv[1:]); assert lo <= v < hi, (v, lo, hi)' "$@"
}

@test "primes --list names the workloads; a bad workload and -n are refused" {
    run "$PRIMES" --list
    [[ "$output" == *"workloads of tasks:"* ]]
    for w in $WORKLOADS; do [[ "$output" == *"$w"* ]]; done
    run "$PRIMES" tasks --workload nothing
    [ "$status" -eq 2 ]
    [[ "$output" == *"--workload: 'nothing' is not a workload"* ]]
    run "$PRIMES" tasks -n 100
    [ "$status" -eq 2 ]
}

# check_all FILE: every JSON line of FILE verified exactly, one task per item done (one python start for all)
check_all() {
    python3 -c '
import json, sys
bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if not (r["verify_ok"] is True and r["verified"] == "exact" and r["result"] == r["items"]):
        print("NOT VERIFIED: %s %s: %s" % (r["workload"], r["model"], r["verify_detail"]))
        bad = 1
sys.exit(bad)
' "$1"
}

@test "every workload verifies exactly under serial, omp, pthreads, fork and events" {
    mkdir "$SCRATCH/tmp"
    export TMPDIR="$SCRATCH/tmp"
    for w in $WORKLOADS; do
        for m in serial omp pthreads fork events; do
            args=(--workload "$w" --scale 0.01 -m "$m")
            [ "$m" = serial ] || [ "$m" = events ] || args+=(-t 3)
            run_json "${args[@]}" >>"$SCRATCH/runs.jsonl" || { echo "$w $m: status $?"; cat "$SCRATCH/stderr"; return 1; }
        done
    done
    [ "$(wc -l <"$SCRATCH/runs.jsonl")" -eq 45 ]
    check_all "$SCRATCH/runs.jsonl"
    [ -z "$(ls -A "$SCRATCH/tmp")" ]
}

@test "every workload verifies exactly under mpi with 4 ranks" {
    command -v mpirun >/dev/null || skip "no mpirun"
    "$PRIMES" --list | grep -q '^  mpi ' || skip "built without MPI"
    for w in $WORKLOADS; do
        mpirun --oversubscribe -np 4 "$PRIMES" tasks --workload "$w" --scale 0.01 -m mpi --json -q \
            >>"$SCRATCH/runs.jsonl" 2>"$SCRATCH/stderr" || { echo "$w: failed"; cat "$SCRATCH/stderr"; return 1; }
    done
    [ "$(wc -l <"$SCRATCH/runs.jsonl")" -eq 9 ]
    check_all "$SCRATCH/runs.jsonl"
    ! grep -v '"ranks":4,' "$SCRATCH/runs.jsonl"
}

@test "the products are the tutorial's four primorials, checked against GMP" {
    out=$(run_json --workload products)
    [ "$(json_get items <<<"$out")" = 4 ]
    [[ "$(json_get verify_detail <<<"$out")" == "4 products equal to GMP's mpz_primorial_ui" ]]
}

@test "waits last at least their length; serially they add up" {
    out=$(run_json --workload waiting --scale 0.1 -m serial)
    check_range "$(wall_of "$out")" 0.3 0.6
    [[ "$(json_get verify_detail <<<"$out")" == "3 waits each lasting at least its wait"* ]]
    out=$(run_json --workload calls --scale 0.1 -m serial)
    check_range "$(wall_of "$out")" 0.7 1.0
}

@test "waits overlap under every concurrent model: the run takes about the longest wait" {
    for m in omp pthreads fork events; do
        local -a three=(-t 3) two=(-t 2)
        [ "$m" != events ] || three=() two=() # one thread: the event loop overlaps the waits itself
        out=$(run_json --workload waiting --scale 0.2 -m "$m" "${three[@]}" -s static)
        check_range "$(wall_of "$out")" 0.2 0.35 || { echo "waiting $m: $(wall_of "$out")"; return 1; }
        out=$(run_json --workload calls --scale 0.1 -m "$m" "${two[@]}" -s static)
        check_range "$(wall_of "$out")" 0.4 0.55 || { echo "calls $m: $(wall_of "$out")"; return 1; }
    done
    if command -v mpirun >/dev/null && "$PRIMES" --list | grep -q '^  mpi '; then
        out=$(mpirun --oversubscribe -np 3 "$PRIMES" tasks --workload waiting --scale 0.2 -m mpi -s static --json -q 2>/dev/null)
        check_range "$(wall_of "$out")" 0.2 0.35
    fi
}

@test "the event loop overlaps every wait at once, or W at a time with the batch schedule" {
    out=$(run_json --workload idle --scale 0.05 -m events)
    check_range "$(wall_of "$out")" 0.1 0.18
    out=$(run_json --workload idle --scale 0.05 -m events -s batch -t 5)
    check_range "$(wall_of "$out")" 0.3 0.4
    out=$(run_json --workload idle --scale 0.05 -m pthreads -t 5 -s dynamic)
    check_range "$(wall_of "$out")" 0.3 0.4
}

@test "the trace has one row per task, its index as lo, and waits start together under events" {
    run_json --workload mixed --scale 0.01 -m events --trace "$SCRATCH/t.csv" >/dev/null
    [ "$(wc -l <"$SCRATCH/t.csv")" -eq 7 ]
    awk -F, 'NR > 1 && $6 != $2 {exit 1}' "$SCRATCH/t.csv"
    run_json --workload waiting --scale 0.05 -m events --trace "$SCRATCH/w.csv" >/dev/null
    awk -F, 'NR > 1 {if ($8 > 0.01) exit 1}' "$SCRATCH/w.csv"
}

@test "files: checked by size and lines read back, nothing left behind even when the check fails" {
    mkdir "$SCRATCH/tmp"
    out=$(TMPDIR="$SCRATCH/tmp" run_json --workload files --scale 0.01 -m fork -t 2)
    [[ "$(json_get verify_detail <<<"$out")" == "4 files checked by size and 16 lines read back" ]]
    [ -z "$(ls -A "$SCRATCH/tmp")" ]
    for m in serial pthreads fork; do
        run env PRIMES_FAULT=files-corrupt TMPDIR="$SCRATCH/tmp" "$PRIMES" tasks --workload files --scale 0.01 -m "$m" -q
        [ "$status" -eq 1 ]
        [[ "$output" == *"verified  FAILED"*"15 of 16 sampled lines"* ]]
        [ -z "$(ls -A "$SCRATCH/tmp")" ]
    done
}

@test "files: a file system too small stops the run first, with one line and status 3" {
    mkdir "$SCRATCH/tmp"
    run env TMPDIR="$SCRATCH/tmp" "$PRIMES" tasks --workload files --scale 1e6
    [ "$status" -eq 3 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "primes: the run failed: files: '$SCRATCH/tmp' has "*" free, the 4 files of this workload need "*"lower --scale, or set TMPDIR"* ]]
    [ -z "$(ls -A "$SCRATCH/tmp")" ]
    run env TMPDIR="$SCRATCH/missing" "$PRIMES" tasks --workload mixed --scale 0.01
    [ "$status" -eq 3 ]
    [[ "$output" == *"cannot write in '$SCRATCH/missing'"* ]]
    # workloads without files never look at the disk
    run env TMPDIR="$SCRATCH/missing" "$PRIMES" tasks --workload counting --scale 0.01
    [ "$status" -eq 0 ]
}
