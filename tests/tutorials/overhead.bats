#!/usr/bin/env bats
# overhead.bats: primes overhead, the measured cost of starting and synchronising workers: every row it
# promises, medians that make sense (a process costs more than a thread), JSON and CSV with provenance,
# the MPI rows under a launcher, and its refusals.
load ../lib/common

setup() {
    SCRATCH="$(mktemp -d "${BATS_TMPDIR:-/tmp}/primes-test.XXXXXX")"
    "$PRIMES" overhead --help >/dev/null 2>&1 || skip "primes overhead is not dispatched by this build's main.c"
}

@test "the local rows: thread, fork, fork+exec, OpenMP region and barrier, each a median of many samples" {
    "$PRIMES" overhead --quick --no-launcher --json -t 2 >"$SCRATCH/rows.jsonl"
    python3 - "$SCRATCH/rows.jsonl" <<'PY'
import json, sys
rows = {r["what"]: r for r in map(json.loads, open(sys.argv[1]))}
want = ["thread_create_join", "fork_wait", "fork_exec_wait", "omp_region", "omp_barrier"]
assert sorted(rows) == sorted(want), sorted(rows)
for what, r in rows.items():
    assert r["schema"] == "primes-overhead/1"
    assert r["samples"] >= 10, r
    assert 0 < r["min_s"] <= r["q1_s"] <= r["median_s"] <= r["q3_s"] <= r["max_s"] < 1, r
    for k in ("host", "cpu_model", "version", "git_commit", "timestamp"):
        assert r[k], (what, k)
assert rows["omp_region"]["workers"] == 2
# the tutorials' claim, measured: starting a process costs more than starting a thread
assert rows["fork_wait"]["median_s"] > rows["thread_create_join"]["median_s"], rows
assert rows["fork_exec_wait"]["median_s"] > rows["fork_wait"]["median_s"], rows
PY
}

@test "the table: one aligned line per row, with the machine named" {
    run "$PRIMES" overhead --quick --no-launcher
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "primes overhead on "*"cores allowed"* ]]
    [[ "$output" == *"thread create + join (pthreads)"*"process fork + waitpid"*"OpenMP barrier"* ]]
    [ "${#lines[@]}" -eq 7 ]
}

@test "--csv appends whole rows under one header" {
    "$PRIMES" overhead -r 3 --no-launcher --csv "$SCRATCH/o.csv" >/dev/null
    "$PRIMES" overhead -r 3 --no-launcher --csv "$SCRATCH/o.csv" >/dev/null
    [ "$(grep -c '^schema,' "$SCRATCH/o.csv")" -eq 1 ]
    [ "$(grep -c '^primes-overhead/1,' "$SCRATCH/o.csv")" -eq 10 ]
    head -n 1 "$SCRATCH/o.csv" | grep -q '^schema,what,label,workers,samples,median_s,'
}

@test "the MPI rows and the launcher's start-up, measured by child mpiruns" {
    command -v mpirun >/dev/null || skip "no mpirun"
    "$PRIMES" --list | grep -q '^  mpi ' || skip "built without MPI"
    "$PRIMES" overhead --quick --json >"$SCRATCH/rows.jsonl"
    python3 - "$SCRATCH/rows.jsonl" <<'PY'
import json, sys
rows = {r["what"]: r for r in map(json.loads, open(sys.argv[1]))}
for what in ("mpi_barrier", "mpi_allreduce", "mpirun_np1_true", "mpirun_np2_true", "mpirun_np1_probe",
             "mpirun_np2_probe"):
    assert rows[what]["samples"] >= 2 and rows[what]["median_s"] > 0, rows[what]
assert rows["mpi_barrier"]["workers"] == 2
# a launcher start costs far more than a fork
assert rows["mpirun_np1_true"]["median_s"] > 5 * rows["fork_wait"]["median_s"]
PY
}

@test "under mpirun with 2+ ranks: the MPI rows only, printed once" {
    command -v mpirun >/dev/null || skip "no mpirun"
    "$PRIMES" --list | grep -q '^  mpi ' || skip "built without MPI"
    run mpirun --oversubscribe -np 3 "$PRIMES" overhead --quick
    [ "$status" -eq 0 ]
    [ "$(grep -c '^primes overhead on ' <<<"$output")" -eq 1 ]
    [[ "$output" == *"MPI barrier "*"MPI allreduce, one 64-bit word"* ]]
    [[ "$output" != *"thread create"* ]]
}

@test "bad options are refused with status 2 and one line" {
    run "$PRIMES" overhead --frobnicate
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"'--frobnicate' is not an option"* ]]
    run "$PRIMES" overhead -r 0
    [ "$status" -eq 2 ]
    run "$PRIMES" overhead --csv /nonexistent/dir/o.csv
    [ "$status" -eq 2 ]
    run "$PRIMES" overhead --quick --mpirun /nonexistent/mpirun
    [ "$status" -eq 0 ]
    [[ "$output" == *"skipped: no /nonexistent/mpirun found"* ]]
}
