#!/usr/bin/env bats
# study.bats: scripts/study.sh end to end on a short sweep (tiny n, 1-2 workers, 2 repetitions): the
# rows, traces and metadata it writes, the round-robin order, resuming without re-running, the
# oversubscription mark, weak-scaling sizes, refusing to mix builds, and the run through analyze and plot;
# plus the --help of scripts/run-main-job.sh and a short run of scripts/bench.sh.
load ../lib/common

REPO="$BATS_TEST_DIRNAME/../.."
STUDY="$REPO/scripts/study.sh"

# The models of the short sweep: serial and omp, and mpi when it is compiled in and mpirun is here.
sweep_models() {
    local models=serial,omp
    if "$PRIMES" --list | grep -q '^  mpi ' && command -v mpirun >/dev/null; then models+=,mpi; fi
    echo "$models"
}

short_sweep() { # short_sweep DIR [MORE OPTIONS...]
    local dir="$1"
    shift
    "$STUDY" --primes "$PRIMES" --dir "$dir" --kernels count,product -n count=1e6,product=1e5 \
        --models "$(sweep_models)" --workers 1,2 --reps 2 "$@"
}

rows() { grep -c '^primes-run/' "$1"; }

@test "study.sh --help describes the sweep, resuming and every option" {
    run "$STUDY" --help
    [ "$status" -eq 0 ]
    for word in round-robin warm-up resume --kernels --size --methods --models --workers --max-workers \
        --scaling --reps --warmup-rounds --launcher --dir --dry-run oversubscribed weak; do
        [[ "$output" == *"$word"* ]] || { echo "missing: $word"; return 1; }
    done
}

@test "study.sh refuses bad usage with status 2" {
    run "$STUDY" --primes "$PRIMES" --reps 0
    [ "$status" -eq 2 ]
    [[ "$output" == "study.sh: --reps: '0' is not allowed (allowed: a whole number 1 .. 1000)" ]]
    run "$STUDY" --primes "$PRIMES" --models serial,warp --dir "$SCRATCH/x"
    [ "$status" -eq 2 ]
    [[ "$output" == "study.sh: --models: 'warp' is not compiled into"* ]]
    run "$STUDY" --primes "$SCRATCH/nothing"
    [ "$status" -eq 2 ]
    [[ "$output" == *"no primes binary at"* ]]
    run "$STUDY" --bogus
    [ "$status" -eq 2 ]
}

@test "study.sh checks every point with primes --check before it plans or writes anything" {
    check_usage "--schedule: 'bogus' is not a schedule" "$STUDY" --primes "$PRIMES" --schedule bogus --dir "$SCRATCH/s"
    check_usage "chunk 1 cuts [0, 1000000000) into 1000000000 items" \
        "$STUDY" --primes "$PRIMES" --schedule static,1 --dir "$SCRATCH/s" --dry-run
    check_usage "-n: the range [0, 100000000000000000) is too wide for product" \
        "$STUDY" --primes "$PRIMES" --kernels product -n 1e17 --dir "$SCRATCH/s"
    [ ! -e "$SCRATCH/s" ]
}

@test "a short sweep: every point twice, interleaved by rounds, with traces and metadata" {
    run short_sweep "$SCRATCH/s"
    [ "$status" -eq 0 ] || { echo "$output"; return 1; }
    configs=$(( $(tr ',' '\n' <<<"$(sweep_models)" | grep -vc serial) * 2 + 1 ))
    [ "$(rows "$SCRATCH/s/runs.csv")" -eq $((configs * 2 * 2)) ]
    [ "$(find "$SCRATCH/s/traces" -name '*.csv' | wc -l)" -eq $((configs * 2 * 2)) ]
    [ -s "$SCRATCH/s/traces/count-sieve-n1000000-omp-1x2-round2.csv" ]
    [[ "$output" == *"warm-up 1/1"* && "$output" == *"round 2/2"* && "$output" == *"study complete"* ]]
    # Round-robin: every configuration's first row comes before any configuration's second.
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             { key = $col["kernel"] "|" $col["method"] "|" $col["from"] "|" $col["n"] "|" $col["model"] "|" \
                     $col["ranks"] "|" $col["threads"]
               seen[key]++; if (seen[key] == 1) last_first = NR; else if (!first_second) first_second = NR }
             END { exit !(last_first < first_second) }' "$SCRATCH/s/runs.csv"
    # The metadata parses and says what ran.
    python3 - "$SCRATCH/s/study.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["schema"] == "primes-study/1" and m["status"] == "complete", m
assert m["kernels"] == ["count", "product"] and m["workers"] == [1, 2] and m["repetitions"] == 2
assert m["sizes"] == {"count": 1000000, "product": 100000}, m["sizes"]
assert m["runs_done"] == m["runs_planned"], m
assert m["primes_version"].startswith("primes ")
PY
    [ -s "$SCRATCH/s/info.txt" ] && [ -s "$SCRATCH/s/commands.log" ]
    # Warm-up runs are not in runs.csv: the commands log has them, without --csv.
    grep -q 'round 0: .* -q --method sieve$' "$SCRATCH/s/commands.log"
}

@test "resuming: the points already in runs.csv are not run again" {
    short_sweep "$SCRATCH/r" --reps 1 >/dev/null
    first=$(rows "$SCRATCH/r/runs.csv")
    run short_sweep "$SCRATCH/r"
    [ "$status" -eq 0 ]
    [[ "$output" == *"($first already in runs.csv, $first to run)"* ]]
    [ "$(rows "$SCRATCH/r/runs.csv")" -eq $((2 * first)) ]
    [[ "$output" != *"round 1/2"* ]]
    run short_sweep "$SCRATCH/r"
    [ "$status" -eq 0 ]
    [[ "$output" == *"0 to run"* && "$output" != *"warm-up 1/1"* ]]
    [ "$(rows "$SCRATCH/r/runs.csv")" -eq $((2 * first)) ]
}

@test "--remeasure-disturbed runs a point again for each of its runs primes judged disturbed" {
    short_sweep "$SCRATCH/d" --reps 1 --models omp --kernels count -n 1e6 >/dev/null
    [ "$(rows "$SCRATCH/d/runs.csv")" -eq 2 ]
    # mark the 2-worker run disturbed, as primes would have (disturbed_why, peak_rss_host_kib and
    # host_processes follow disturbed, the last three columns)
    sed -i -E '/,omp,1,2,2,/ s/,(true|false),([^,]*),([0-9]*),([0-9]*)$/,true,test load,\3,\4/' "$SCRATCH/d/runs.csv"
    run "$PRIMES" analyze "$SCRATCH/d/runs.csv"
    [[ "$output" == *"disturbed: 1 run left out"*"count by sieve n=1000000, omp 1x2: 1 run"* ]]
    run short_sweep "$SCRATCH/d" --reps 1 --models omp --kernels count -n 1e6
    [[ "$output" == *"0 to run"* && "$output" == *"Re-measure them: "*"--remeasure-disturbed"* ]]
    run short_sweep "$SCRATCH/d" --reps 1 --models omp --kernels count -n 1e6 --remeasure-disturbed
    [ "$status" -eq 0 ]
    [[ "$output" == *"1 to run"* && "$output" == *"omp 2 workers"* ]]
    [ "$(rows "$SCRATCH/d/runs.csv")" -eq 3 ]
    run "$PRIMES" analyze "$SCRATCH/d/runs.csv"
    [[ "$output" == *"disturbed: 1 run left out"* ]]
    [ "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["runs_disturbed"])' "$SCRATCH/d/study.json")" -eq 1 ]
}

@test "resuming refuses a study measured with another build, unless --force" {
    short_sweep "$SCRATCH/b" --reps 1 --no-trace >/dev/null
    sed -i 's/^  "primes_version": ".*",$/  "primes_version": "primes 0.0.0 (git 000000000000)",/' "$SCRATCH/b/study.json"
    run short_sweep "$SCRATCH/b" --no-trace
    [ "$status" -eq 2 ]
    [[ "$output" == *"was measured with primes_version \"primes 0.0.0 (git 000000000000)\""*"--force"* ]]
    run short_sweep "$SCRATCH/b" --no-trace --force
    [ "$status" -eq 0 ]
}

@test "resuming refuses the same commit built another way (compiler, flags, ARCH): an -O2 binary is not the -O3 study's" {
    short_sweep "$SCRATCH/f" --reps 1 --no-trace >/dev/null
    grep -q '^  "primes_build": ".*-fopenmp MPI=[01]",$' "$SCRATCH/f/study.json"
    sed -i -E 's/^(  "primes_build": ".*); -O3 /\1; -O2 /' "$SCRATCH/f/study.json"
    grep -q -- '; -O2 ' "$SCRATCH/f/study.json"
    run short_sweep "$SCRATCH/f" --no-trace
    [ "$status" -eq 2 ]
    [[ "$output" == *"was measured with primes_build "*"-O2 "*"this is "*"-O3 "*"a study mixes neither machines nor builds"* ]]
}

@test "one study.sh per directory at a time" {
    mkdir -p "$SCRATCH/l"
    exec 8>"$SCRATCH/l/.lock"
    flock -n 8
    run short_sweep "$SCRATCH/l" --reps 1
    exec 8>&-
    [ "$status" -eq 2 ]
    [[ "$output" == *"another study.sh is running in $SCRATCH/l"* ]]
    [ ! -e "$SCRATCH/l/runs.csv" ]
}

@test "the sweep goes through primes analyze and plot.py" {
    short_sweep "$SCRATCH/a" >/dev/null
    run "$PRIMES" analyze --csv "$SCRATCH/a/summary.csv" "$SCRATCH/a/runs.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"count by sieve on [0, 1000000): strong scaling"* ]]
    [[ "$output" == *"product by sieve on [0, 100000): strong scaling"* ]]
    run "$REPO/scripts/plot.py" --out "$SCRATCH/a/plots" "$SCRATCH/a/summary.csv" \
        --trace "$SCRATCH/a/traces/product-sieve-n100000-omp-1x2-round1.csv"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 9 ]
    for f in "${lines[@]}"; do [ -s "$f" ] || { echo "empty: $f"; return 1; }; done
    # The timeline finds its run in runs.csv and draws the final merge up to wall_s.
    run "$REPO/scripts/plot.py" --check --out "$SCRATCH/a/plots" \
        --trace "$SCRATCH/a/traces/product-sieve-n100000-omp-1x2-round2.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"span merge: 2 points"* ]]
}

@test "points beyond the allowed cores are marked oversubscribed" {
    over=$(( $(nproc) + 1 ))
    run "$STUDY" --primes "$PRIMES" --dir "$SCRATCH/o" --kernels count -n 1e6 --models omp --workers "1,$over" \
        --reps 1 --dry-run
    [ "$status" -eq 0 ]
    [[ "$output" == *"oversubscribed (more workers than the $(nproc) cores allowed): $over workers"* ]]
    [[ "$output" == *"-m omp -t $over "* ]]
    [ ! -e "$SCRATCH/o" ]
}

@test "weak scaling: n grows by the work rule, 1, 2, 4 ... up to --max-workers" {
    run "$STUDY" --primes "$PRIMES" --dir "$SCRATCH/w" --scaling weak --kernels count,product \
        -n count=1e7,product=1e5 --models omp --max-workers 4 --reps 1 --warmup-rounds 0 --dry-run
    [ "$status" -eq 0 ]
    [[ "$output" == *"workers 1 2 4"* ]]
    for p in 1 2 4; do
        n=$("$PRIMES" analyze --weak-size 1e7 --kernel count --workers "$p")
        [[ "$output" == *"count -n $n -m omp -t $p "* ]] || { echo "no count at $p workers, n = $n"; return 1; }
        n=$("$PRIMES" analyze --weak-size 1e5 --kernel product --workers "$p")
        [[ "$output" == *"product -n $n -m omp -t $p "* ]] || { echo "no product at $p workers, n = $n"; return 1; }
    done
}

@test "hybrid points split workers into ranks x threads under mpirun" {
    "$PRIMES" --list | grep -q '^  hybrid ' || skip "hybrid is not compiled in"
    command -v mpirun >/dev/null || skip "no mpirun"
    run "$STUDY" --primes "$PRIMES" --dir "$SCRATCH/h" --kernels count -n 1e6 --models hybrid --workers 1,2,4,8 \
        --reps 1 --warmup-rounds 0 --dry-run
    [ "$status" -eq 0 ]
    [[ "$output" == *"OMP_NUM_THREADS=2 mpirun "*"--bind-to none -x OMP_NUM_THREADS -np 1 "*"-m hybrid -t 2 "* ]]
    [[ "$output" == *"-np 2 "*"-m hybrid -t 2 "* ]]
    [[ "$output" == *"-np 2 "*"-m hybrid -t 4 "* ]]
}

@test "bench.sh: memory beside time, the peers' by GNU time; the groups far and big; a bad group refused" {
    run "$REPO/scripts/bench.sh" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"far: counting [2^64-1e9, 2^64-1)"* && "$output" == *"big: below 1e12"* ]]
    run "$REPO/scripts/bench.sh" --only count,memory
    [ "$status" -eq 2 ]
    [[ "$output" == *"--only: unknown group 'memory'"* ]]
    command -v primesieve >/dev/null || skip "primesieve is not installed (make deps)"
    PRIMES="$PRIMES" BUILD="$SCRATCH/bench" run "$REPO/scripts/bench.sh" --quick --only product --reps 1 --warmup 0 \
        --models omp --out "$SCRATCH/bench.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"product 1e7, 2 workers, omp: host peak RSS / result bytes"* ]]
    [[ "$output" == *"peak MiB: largest/host"* ]]
    # every run row has both memories: ours from its record, GMP's from GNU time
    python3 - "$SCRATCH/bench.csv" <<'PY'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["row"] == "run"]
assert {r["variant"] for r in rows} == {"gmp", "serial", "omp"}, rows
for r in rows:
    assert int(r["peak_rss_kib"]) > 1000 and int(r["host_rss_kib"]) >= int(r["peak_rss_kib"]), r
PY
}

@test "run-main-job.sh --help says what make run does" {
    run "$REPO/scripts/run-main-job.sh" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"count 1e10 and product 1e7"* && "$output" == *"1, 2 and 4 workers"* ]]
    [[ "$output" == *"5 timed repetitions"* && "$output" == *"--quick"* ]]
}

# stop_study SIGNAL TARGET: a study of one long point, stopped by SIGNAL sent to TARGET (study: study.sh;
# mpirun: the launcher alone, which answers it with 1); study.sh's exit status in STOP_STATUS
stop_study() {
    local dir="$SCRATCH/stopped-$1-$2" pid target
    "$STUDY" --primes "$PRIMES" --dir "$dir" --kernels count -n count=1e13 --models mpi --workers 2 \
        --reps 1 --warmup-rounds 0 >"$SCRATCH/study.out" 2>&1 3>&- &
    pid=$!
    wait_for_temporary "$dir/traces"
    target=$pid
    [[ $2 == mpirun ]] && target=$(pgrep -P "$pid" -x mpirun)
    kill -"$1" "$target"
    STOP_STATUS=0
    wait "$pid" || STOP_STATUS=$?
    grep -q '"status": "interrupted"' "$dir/study.json" || { echo "study.json: $(cat "$dir/study.json")"; return 1; }
    if compgen -G "$dir/traces/.primes-*" >/dev/null; then echo 'unexpectedly true: compgen -G "$dir/traces/.primes-*" >/dev/null'; return 1; fi
    if pgrep -f "primes count -n 1e13 .*$dir" >/dev/null; then echo 'unexpectedly true: pgrep -f "primes count -n 1e13 .*$dir" >/dev/null'; return 1; fi
}

@test "a study stopped by a signal ends with 128+signal, resumable, with nothing half-written" {
    stop_study TERM study
    [ "$STOP_STATUS" -eq 143 ]
    grep -q "study.sh: stopped by SIGTERM; run the same command again to resume" "$SCRATCH/study.out"
    # mpirun's own 1 is not taken for a failed verification: primes said it was stopped
    stop_study TERM mpirun
    [ "$STOP_STATUS" -eq 143 ]
    if grep -q "this run failed" "$SCRATCH/study.out"; then echo 'unexpectedly true: grep -q "this run failed" "$SCRATCH/study.out"'; return 1; fi
}

@test "study.sh bounds every count before it plans: no endless plan, no wrap, no octal" {
    local a
    for a in "--max-workers 9223372036854775807" "--workers 99999999999999999999" "--reps 99999999999999999999" \
        "--warmup-rounds 101" "--items-for 0"; do
        # shellcheck disable=SC2086 # an option and its value
        run timeout 20 "$STUDY" --primes "$PRIMES" --dir "$SCRATCH/s" $a --dry-run
        [ "$status" -eq 2 ] || { echo "$a: status $status: $output"; return 1; }
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"is not allowed (allowed: "* ]]
    done
    run "$STUDY" --primes "$PRIMES" --dir "$SCRATCH/s" --workers 08 --models omp --dry-run
    [ "$status" -eq 0 ]
    [[ "$output" == *"-m omp -t 8 "* ]]
}
