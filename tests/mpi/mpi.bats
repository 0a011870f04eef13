#!/usr/bin/env bats
# mpi.bats: the mpi and hybrid models under a real launcher, once per MPI library (tests/lib/mpi.bash:
# Open MPI's mpirun, MPICH's Hydra): the equality matrix against serial (1-4 ranks, oversubscribed on 2
# cores; hybrid 2 ranks x 2 threads), the default model under a launcher, bad input and a failing rank
# bringing every rank down quickly with one message, and the other library's launcher refused.
load ../lib/common
load ../lib/matrix
load ../lib/mpi
bats_require_minimum_version 1.5.0

@test "mpi: every kernel, method, schedule and 1-4 ranks equal serial" {
    MATRIX_EXTRA=(--model mpi)
    matrix_check "${MPIRUN[@]}" -np WORKERS
}

@test "hybrid: every kernel, method and schedule on 2 ranks x 2 threads equal serial" {
    MATRIX_WORKERS=2 MATRIX_EXTRA=(--model hybrid -t 2)
    matrix_check "${MPIRUN[@]}" "${MPI_NOBIND[@]}" -np WORKERS
}

@test "the issue's product: 4 ranks, dynamic,64, equal to serial" {
    want=$("$PRIMES" product -n 1e6 --json | json_get result)
    got=$("${MPIRUN[@]}" -np 4 "$PRIMES" product -n 1e6 --schedule dynamic,64 --json | json_get result)
    [ "$got" = "$want" ]
}

@test "the split final merge across ranks gives GMP's primorial (2 and 3 ranks, hybrid 2x2)" {
    for np in 2 3; do
        run "${MPIRUN[@]}" -np "$np" "$PRIMES" product -n 1e7 --verify --json
        [ "$status" -eq 0 ]
        [ "$(grep '^{' <<<"$output" | json_get verify_ok)" = true ]
    done
    run "${MPIRUN[@]}" "${MPI_NOBIND[@]}" -np 2 "$PRIMES" product -n 1e7 --model hybrid -t 2 --verify --json
    [ "$(grep '^{' <<<"$output" | json_get verify_ok)" = true ]
}

@test "mpi and hybrid time the ranks' own combining (settle) apart from the merge across ranks" {
    for extra in "--model mpi" "--model hybrid -t 2"; do
        # shellcheck disable=SC2086 # extra is two or three words on purpose
        run "${MPIRUN[@]}" "${MPI_NOBIND[@]}" -np 2 "$PRIMES" product -n 4e6 $extra --json
        [ "$status" -eq 0 ]
        line=$(grep '^{' <<<"$output")
        awk -v s="$(json_get settle_s <<<"$line")" -v m="$(json_get merge_s <<<"$line")" \
            -v w="$(json_get wall_s <<<"$line")" 'BEGIN { exit !(s > 0 && m > 0 && s + m < w) }'
    done
}

@test "under mpirun with 2+ ranks the default model is mpi, hybrid with threads" {
    run "${MPIRUN[@]}" -np 2 "$PRIMES" -n 1e7 --json
    [ "$status" -eq 0 ]
    [ "$(json_get model <<<"$output")" = mpi ]
    [ "$(json_get ranks <<<"$output")" = 2 ]
    [ "$(json_get mpi_thread_level <<<"$output")" = funneled ]
    [ "$(json_get result <<<"$output")" = 664579 ]
    mapfile -t threads < <(mpi_setenv OMP_NUM_THREADS=2)
    run "${MPIRUN[@]}" "${MPI_NOBIND[@]}" -np 2 "${threads[@]}" "$PRIMES" -n 1e7 --json
    [ "$(grep '^{' <<<"$output" | json_get model)" = hybrid ]
    [ "$(grep '^{' <<<"$output" | json_get workers)" = 4 ]
}

@test "one record, printed by rank 0 only, with every rank's host and busy times" {
    run "${MPIRUN[@]}" -np 3 "$PRIMES" count -n 1e8 --trace "$SCRATCH/t.csv" --json
    [ "$status" -eq 0 ]
    [ "$(grep -c '^{' <<<"$output")" -eq 1 ]
    [ "$(cut -d, -f3 "$SCRATCH/t.csv" | sort -u | grep -c '^[0-9]')" -eq 3 ]
    [ "$(grep '^{' <<<"$output" | json_get hosts)" = "$(hostname)" ]
}

@test "a single-core binding of a hybrid rank is warned about, once" {
    run "${MPIRUN[@]}" -np 2 "${MPI_BIND_CORE[@]}" "$PRIMES" -n 1e6 --model hybrid -t 2 --json
    [ "$status" -eq 0 ]
    [ "$(grep -c 'threads of rank 0 may only run on one core' <<<"$output")" -eq 1 ]
}

@test "bad input under mpirun -np 3: every rank exits 2, one message, in seconds" {
    start=$(date +%s)
    run timeout 30 "${MPIRUN[@]}" "${MPI_QUIET[@]}" -np 3 "$PRIMES" -n 1.5e3 --csv "$SCRATCH/runs.csv"
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "${lines[0]}" == "primes: -n: '1.5e3' is not a whole number"* ]]
    [ $(($(date +%s) - start)) -lt 10 ]
    [ ! -e "$SCRATCH/runs.csv" ]
    if pgrep -f "$PRIMES -n 1.5e3"; then echo 'unexpectedly true: pgrep -f "$PRIMES -n 1.5e3"'; return 1; fi
}

@test "a product too large for the ranks' host is refused by every rank: one line, exit 2, in seconds" {
    CGROUP=$(memory_cgroup 800000000) || skip "no memory cgroup can be made here (needs root and the memory controller)"
    start=$(date +%s)
    run --separate-stderr in_memory_cgroup "$CGROUP" timeout 60 "${MPIRUN[@]}" "${MPI_QUIET[@]}" -np 3 "$PRIMES" \
        product -n 1e9 --csv "$SCRATCH/runs.csv"
    rmdir "$CGROUP"
    [ "$status" -eq 2 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "primes: product of [0, 1000000000) on 3 workers of one host needs about 1.7 GiB"*"its cgroup's memory limit leaves"* ]]
    [ $(($(date +%s) - start)) -lt 20 ]
    [ ! -e "$SCRATCH/runs.csv" ]
}

@test "a rank short of memory where rank 0 is not: rank 0 names that rank and its limit, every rank exits 2" {
    CGROUP=$(memory_cgroup 800000000) || skip "no memory cgroup can be made here (needs root and the memory controller)"
    # rank 1 alone runs in the small cgroup (Open MPI and MPICH each name the rank in their own variable)
    wrapper="$SCRATCH/rank1-in-cgroup.sh"
    printf '#!/bin/sh\nrank=${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}\n[ "$rank" = 1 ] && echo $$ > "%s/cgroup.procs"\nexec "$@"\n' \
        "$CGROUP" >"$wrapper"
    chmod +x "$wrapper"
    run --separate-stderr timeout 60 "${MPIRUN[@]}" "${MPI_QUIET[@]}" -np 2 "$wrapper" "$PRIMES" \
        product -n 1e9 --csv "$SCRATCH/runs.csv"
    rmdir "$CGROUP"
    [ "$status" -eq 2 ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "primes: product of [0, 1000000000) on 2 workers of one host needs about 1.7 GiB"*"more than the 0."*" GiB rank 1's cgroup's memory limit leaves (allowed: "* ]]
    [ ! -e "$SCRATCH/runs.csv" ]
}

@test "the memory of a run: the largest rank and the sum over the ranks of the host" {
    run "${MPIRUN[@]}" "${MPI_QUIET[@]}" -np 2 "$PRIMES" product -n 1e7 --json
    [ "$status" -eq 0 ]
    [ "$(json_get host_processes <<<"$output")" -eq 2 ]
    largest=$(json_get peak_rss_kib <<<"$output") sum=$(json_get peak_rss_host_kib <<<"$output")
    [ "$sum" -gt "$largest" ] && [ "$sum" -le $((2 * largest)) ]
}

@test "without -q mpirun adds its own notice, but primes still speaks once" {
    run timeout 30 "${MPIRUN[@]}" -np 3 "$PRIMES" --model gpu
    [ "$status" -eq 2 ]
    [ "$(grep -c '^primes:' <<<"$output")" -eq 1 ]
}

@test "a rank that cannot allocate brings the whole job down with a clear message" {
    mapfile -t fault < <(mpi_setenv PRIMES_FAULT=oom@1)
    PRIMES_FAULT=oom@1 run timeout 60 "${MPIRUN[@]}" "${fault[@]}" -np 3 "$PRIMES" product -n 1e6 --csv "$SCRATCH/runs.csv"
    [ "$status" -ne 0 ]
    [ "$status" -ne 124 ]
    [[ "$output" == *"primes: rank 1: out of memory"* ]]
    [[ "$output" != *"  result    "* ]]
    [ ! -e "$SCRATCH/runs.csv" ]
}

@test "a non-MPI model under a multi-rank launch is refused" {
    run timeout 30 "${MPIRUN[@]}" "${MPI_QUIET[@]}" -np 2 "$PRIMES" --model omp
    [ "$status" -eq 2 ]
    [[ "$output" == *"runs in one process, but 2 ranks were launched"* ]]
}

# mpi_long NP: a run under mpirun that lasts minutes, in the background (MPIRUN_PID), once rank 0's
# trace temporary exists
mpi_long() {
    "${MPIRUN[@]}" -np "$1" "$PRIMES" count -n 1e13 -q --trace "$SCRATCH/trace.csv" >"$SCRATCH/out" 2>"$SCRATCH/err" 3>&- &
    MPIRUN_PID=$!
    wait_for_temporary "$SCRATCH" || { cat "$SCRATCH/err"; return 1; }
}

@test "SIGTERM to mpirun: every rank stops, primes says which signal, and no temporary is left" {
    mpi_long 2
    kill -TERM "$MPIRUN_PID"
    local status=0
    wait "$MPIRUN_PID" || status=$?
    # Open MPI's mpirun answers a signal to itself with 1, whatever the ranks did: primes' line tells a
    # stop from a failed verification (study.sh reads it). MPICH's Hydra passes SIGTERM on, then ends
    # its ranks with SIGKILL and stops relaying their output, with a status of 0, 9 or 15 (measured): the
    # line and the status are Open MPI's promise only; the files are both libraries'.
    if [[ "$MPI_FLAVOUR" == openmpi ]]; then
        [ "$status" -ne 0 ]
        grep -q "^primes: stopped by SIGTERM; no output file was left half-written$" "$SCRATCH/err"
    fi
    if compgen -G "$SCRATCH/.primes-*" >/dev/null; then echo 'unexpectedly true: compgen -G "$SCRATCH/.primes-*" >/dev/null'; return 1; fi
    [ ! -e "$SCRATCH/trace.csv" ]
    if pgrep -f "primes count -n 1e13 -q --trace $SCRATCH" >/dev/null; then echo 'unexpectedly true: pgrep -f "primes count -n 1e13 -q --trace $SCRATCH" >/dev/null'; return 1; fi
}

@test "a rank killed with SIGKILL: the job ends, rank 0 removes its temporary (Open MPI), and 128+9 comes back" {
    mpi_long 2
    local pid rank1=""
    for pid in $(pgrep -f "primes count -n 1e13 -q --trace $SCRATCH"); do
        tr '\0' '\n' <"/proc/$pid/environ" | grep -qx "$MPI_RANK_VAR=1" && rank1=$pid
    done
    [ -n "$rank1" ]
    kill -KILL "$rank1"
    local status=0
    wait "$MPIRUN_PID" || status=$?
    [ ! -e "$SCRATCH/trace.csv" ]
    # Open MPI sends the other ranks SIGTERM first, so rank 0 removes its temporary. Hydra sends SIGKILL
    # (status 9): rank 0 cannot act, its hidden temporary stays, and the trace is never created.
    if [[ "$MPI_FLAVOUR" == mpich ]]; then
        [ "$status" -eq 9 ]
        return 0
    fi
    [ "$status" -eq 137 ]
    if compgen -G "$SCRATCH/.primes-*" >/dev/null; then echo 'unexpectedly true: compgen -G "$SCRATCH/.primes-*" >/dev/null'; return 1; fi
}

@test "8 oversubscribed ranks, many times: no negative duration anywhere, and the phases add up to the wall time" {
    local args
    for args in "-np 8 $PRIMES -n 1e8 -r 12" "-np 8 $PRIMES product -n 2e6 -r 6" \
        "${MPI_NOBIND[*]} -np 4 $PRIMES -m hybrid -t 2 -n 1e8 -r 8 --schedule guided"; do
        rm -f "$SCRATCH/t.csv"
        # shellcheck disable=SC2086 # the words of one command
        run "${MPIRUN[@]}" $args --json -q --trace "$SCRATCH/t.csv"
        [ "$status" -eq 0 ] || { echo "$args: $output"; return 1; }
        grep '^{' <<<"$output" >"$SCRATCH/runs.jsonl"
        python3 - "$SCRATCH/runs.jsonl" "$SCRATCH/t.csv" <<'PY' || { echo "for: $args"; return 1; }
import csv, json, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
items = list(csv.DictReader(open(sys.argv[2])))
assert runs and items
for r in runs:
    for k in ("wall_s", "settle_s", "merge_s", "busy_min_s", "busy_mean_s", "busy_max_s", "cpu_s"):
        assert r[k] >= 0, (k, r[k], r["rep"])
    mine = [i for i in items if int(i["rep"]) == r["rep"]]
    assert len(mine) == r["items"], (len(mine), r["items"])
    for i in mine:
        assert 0 <= float(i["start_s"]) <= float(i["stop_s"]) <= r["wall_s"] + 1e-9, (i, r["wall_s"])
    last = max(float(i["stop_s"]) for i in mine)
    total = last + r["settle_s"] + r["merge_s"]
    assert abs(total - r["wall_s"]) <= 1e-6 + 1e-6 * r["wall_s"], (r["rep"], last, r["settle_s"], r["merge_s"], r["wall_s"])
PY
    done
}

@test "the other MPI library's launcher is refused: one line naming both, exit 2, nothing run" {
    command -v "${MPI_OTHER[0]}" >/dev/null || { echo "no ${MPI_OTHER[0]} (make deps installs Open MPI and MPICH)"; return 1; }
    run --separate-stderr timeout 30 "${MPI_OTHER[@]}" -np 3 "$PRIMES" -n 1e8 --csv "$SCRATCH/runs.csv"
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [ "$(grep -c . <<<"$stderr")" -eq 1 ] || { echo "$stderr"; return 1; }
    if [[ "$MPI_FLAVOUR" == openmpi ]]; then
        [[ "$stderr" == "primes: started by MPICH's mpiexec, Hydra (PMI_SIZE=3) as 3 ranks, but this binary's MPI library (Open MPI v"*"allowed: Open MPI's mpirun"* ]]
    else
        [[ "$stderr" == "primes: started by Open MPI's mpirun (OMPI_COMM_WORLD_SIZE=3) as 3 ranks, but this binary's MPI library (MPICH Version: 4"*"allowed: MPICH's mpiexec"* ]]
    fi
    [ ! -e "$SCRATCH/runs.csv" ]
}

@test "primes info names the MPI library, started or not" {
    run "$PRIMES" info
    [ "$status" -eq 0 ]
    if [[ "$MPI_FLAVOUR" == openmpi ]]; then want="Open MPI v"; else want="MPICH Version: "; fi
    grep -q "^mpi        $want.* (not started: no launcher)$" <<<"$output"
    run "${MPIRUN[@]}" -np 2 "$PRIMES" info
    grep -q "^mpi        $want" <<<"$output"
    grep -q "2 ranks, thread level provided: funneled" <<<"$output"
}
