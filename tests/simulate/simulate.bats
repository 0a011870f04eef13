#!/usr/bin/env bats
# simulate.bats: the real MPI code on SimGrid's simulated platforms (make smpi, scripts/simulate.sh): exact
# answers at 64 and 16 simulated ranks, the models SMPI cannot simulate refused, a missing or malformed
# platform refused in one line, simulated rows marked as such, every rank given work at scale, and the
# analysis and plots keeping simulated and real runs apart. Nothing here asserts a time.
load ../lib/common

REPO="$BATS_TEST_DIRNAME/../.."
SIMULATE="$REPO/scripts/simulate.sh"
SMPI_PRIMES="${PRIMES_SMPI:-$REPO/build/smpi/primes}"

setup_file() {
    [[ -x "${PRIMES_SMPI:-$BATS_TEST_DIRNAME/../../build/smpi/primes}" ]] ||
        { echo "no simulated binary: run make smpi" >&2; return 1; }
}

# one_line STATUS: the run exited with STATUS and said exactly one line.
one_line() {
    [ "$status" -eq "$1" ] || { echo "status $status, not $1: $output"; return 1; }
    [ "${#lines[@]}" -eq 1 ] || { echo "${#lines[@]} lines: $output"; return 1; }
}

@test "count at 64 simulated ranks gives exactly the real answer" {
    want=$("$PRIMES" count --from 1000003 -n 3e8 --json | json_get result)
    run "$SIMULATE" run --platform modern-cluster --ranks 64 -- count --from 1000003 -n 3e8 -m mpi --verify --json -q
    [ "$status" -eq 0 ]
    [ "$(json_get result <<<"$output")" = "$want" ]
    [ "$(json_get ranks <<<"$output")" = 64 ]
    [ "$(json_get verify_ok <<<"$output")" = true ]
}

@test "product at 16 simulated ranks gives exactly the real product (every field, and GMP's primorial)" {
    want=$("$PRIMES" product -n 2e6 --json | json_get result)
    run "$SIMULATE" run --platform commodity-10gbe --ranks 16 -- product -n 2e6 -m mpi --verify --json -q
    [ "$status" -eq 0 ]
    [ "$(json_get result <<<"$output")" = "$want" ]
    [ "$(json_get verified <<<"$output")" = exact ]
    [ "$(json_get verify_ok <<<"$output")" = true ]
    # every schedule cuts the same items and gives the same product
    for s in static cyclic guided batch; do
        got=$("$SIMULATE" run --platform this-machine --ranks 5 -- product -n 2e6 -m mpi -s "$s" --json -q | json_get result)
        [ "$got" = "$want" ] || { echo "schedule $s: $got"; return 1; }
    done
}

@test "the models SMPI cannot simulate are refused with exit 2 and one line saying why" {
    for m in omp pthreads fork events hybrid; do
        run "$SIMULATE" run --ranks 2 -- count -n 1e6 -m "$m"
        one_line 2 || { echo "model $m"; return 1; }
        [[ "$output" == "primes: --model $m: cannot be simulated faithfully: "* ]]
        [[ "$output" == *"(allowed under simulation: mpi, and serial at 1 rank)" ]]
    done
    # serial at 1 rank is one thread's CPU time: simulated faithfully
    run "$SIMULATE" run --ranks 1 -- count -n 1e6 -m serial --json -q
    [ "$status" -eq 0 ]
    [ "$(json_get result <<<"$output")" = 78498 ]
}

@test "bad input under simulation: one line from rank 0, exit 2" {
    run "$SIMULATE" run --ranks 8 -- count -n abc
    one_line 2
    [[ "$output" == "primes: -n: 'abc' is not a whole number"* ]]
}

@test "a missing platform, an unknown name, a directory: exit 2 and one line naming it" {
    run "$SIMULATE" run --platform "$SCRATCH/none.xml" -- count -n 1e6
    one_line 2
    [ "$output" = "simulate.sh: --platform: '$SCRATCH/none.xml' does not exist (allowed: a SimGrid platform file)" ]
    run "$SIMULATE" run --platform bogus -- count -n 1e6
    one_line 2
    [[ "$output" == "simulate.sh: --platform: 'bogus' is not a platform (allowed: "*"modern-cluster"* ]]
    run "$SIMULATE" run --platform "$SCRATCH" -- count -n 1e6
    one_line 2
    [[ "$output" == *"is not a regular file"* ]]
    run "$SIMULATE" run --ranks 5000 -- count -n 1e6
    one_line 2
    [[ "$output" == "simulate.sh: --ranks: 5000 is more than the 4096 slots of platform modern-cluster"* ]]
}

@test "a malformed platform file: exit 2 and one line with SimGrid's reason" {
    printf 'not xml at all\n' >"$SCRATCH/text.xml"
    run "$SIMULATE" run --platform "$SCRATCH/text.xml" -- count -n 1e6
    one_line 2
    [[ "$output" == "simulate.sh: platform '$SCRATCH/text.xml' is malformed: $SCRATCH/text.xml:1: "* ]]
    # well-formed XML with a broken element: the cluster has no closing bracket
    head -n 20 "$REPO/platforms/modern-cluster.xml" >"$SCRATCH/cut.xml"
    run "$SIMULATE" run --platform "$SCRATCH/cut.xml" -- count -n 1e6
    one_line 2
    [[ "$output" == "simulate.sh: platform '$SCRATCH/cut.xml' is malformed: "* ]]
    # a speed that is not one
    sed 's/speed="1Gf"/speed="fast"/' "$REPO/platforms/this-machine.xml" >"$SCRATCH/slow.xml"
    run "$SIMULATE" run --platform "$SCRATCH/slow.xml" -- count -n 1e6
    one_line 2
    [[ "$output" == "simulate.sh: platform '$SCRATCH/slow.xml' is malformed: "* ]]
}

@test "a simulated row says so in JSON and CSV: platform, its sha256, speeds, SimGrid's version" {
    run "$SIMULATE" run --platform this-machine --ranks 2 -- count -n 1e7 -m mpi --json -q --csv "$SCRATCH/runs.csv"
    [ "$status" -eq 0 ]
    [ "$(json_get simulated <<<"$output")" = true ]
    [ "$(json_get sim_platform <<<"$output")" = this-machine ]
    [ "$(json_get sim_platform_sha256 <<<"$output")" = "$(sha256sum "$REPO/platforms/this-machine.xml" | cut -d' ' -f1)" ]
    [ "$(json_get sim_host_speed <<<"$output")" = 1000000000.0 ]
    [[ "$(json_get simgrid_version <<<"$output")" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]
    [ -n "$(json_get sim_reference_speed <<<"$output")" ]
    [ "$(json_get peak_rss_kib <<<"$output")" = null ]
    python3 - "$SCRATCH/runs.csv" "$REPO/platforms/this-machine.xml" <<'PY'
import csv, hashlib, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1, rows
r = rows[0]
assert r["schema"] == "primes-run/5" and r["simulated"] == "true", r
assert r["sim_platform"] == "this-machine", r
assert r["sim_platform_sha256"] == hashlib.sha256(open(sys.argv[2], "rb").read()).hexdigest(), r
assert float(r["sim_host_speed"]) == 1e9 and r["simgrid_version"], r
assert r["peak_rss_kib"] == "", r
# the simulated hosts name the ranks' hosts, not this machine
assert r["hosts"] == "this-machine", r
PY
    # a real row of the same file is marked real, with the simulation's columns empty
    "$PRIMES" count -n 1e6 -q --csv "$SCRATCH/real.csv"
    [ "$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c["simulated"] $c["sim_platform"]}' "$SCRATCH/real.csv")" = false ]
}

@test "the human block says the run is simulated, and its memory is no rank's" {
    run "$SIMULATE" run --platform modern-cluster --ranks 4 -- count -n 1e7 -m mpi -q
    [ "$status" -eq 0 ]
    [[ "$output" == *"  simulated SimGrid "*" SMPI, platform modern-cluster ("*"modern-cluster.xml, sha256 "* ]]
    [[ "$output" == *"every time above is simulated"* ]]
    [[ "$output" == *"memory    not measured per rank: the 4 simulated ranks share one process"* ]]
    [[ "$output" != *"oversubscribed"* ]]
    # 4 ranks on this-machine's 2 cores are oversubscribed, judged by the platform's cores
    run "$SIMULATE" run --platform this-machine --ranks 4 -- count -n 1e7 -m mpi -q
    [[ "$output" == *"(oversubscribed)"* ]]
}

@test "at 256 simulated ranks every rank has an item (count 1e9: the default items follow the workers)" {
    run "$SIMULATE" run --ranks 256 -- count -n 1e9 -m mpi -q --json --trace "$SCRATCH/t.csv"
    [ "$status" -eq 0 ]
    [ "$(json_get items <<<"$output")" -ge 256 ]
    [ "$(awk -F, 'NR > 1 {print $3}' "$SCRATCH/t.csv" | sort -u | wc -l)" -eq 256 ]
    # 64 ranks per node of modern-cluster: the trace names 4 simulated nodes
    [ "$(awk -F, 'NR > 1 {print $5}' "$SCRATCH/t.csv" | sort -u | xargs)" = "node-0 node-1 node-2 node-3" ]
    # and --items-for sizes a smaller run like the largest point of its study: the same items
    big=$(json_get items <<<"$output")
    small=$("$PRIMES" count -n 1e9 --items-for 256 --json -q | json_get items)
    [ "$small" = "$big" ]
}

@test "analyze and plot keep simulated and real runs apart, and overlay the real ones" {
    for p in 1 2; do
        "$SIMULATE" run --platform this-machine --ranks "$p" -- count -n 1e8 -m mpi --items-for 2 -q --csv "$SCRATCH/runs.csv" >/dev/null
        "$PRIMES" count -n 1e8 -m omp -t "$p" --items-for 2 -q --csv "$SCRATCH/runs.csv" >/dev/null
    done
    run "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$SCRATCH/runs.csv"
    [ "$status" -eq 0 ]
    [ "$(grep -c '^count by sieve on \[0, 100000000)' <<<"$output")" -eq 2 ]
    [[ "$output" == *"simulated on platform this-machine (SimGrid SMPI; every time simulated)"* ]]
    [ "$(python3 -c 'import csv, sys; print(" ".join(sorted(r["platform"] or "-" for r in csv.DictReader(open(sys.argv[1])))))' "$SCRATCH/summary.csv")" = "- - this-machine this-machine" ]
    run "$REPO/scripts/plot.py" --check --out "$SCRATCH/plots" "$SCRATCH/summary.csv"
    [ "$status" -eq 0 ]
    [ -s "$SCRATCH/plots/count-sieve-n1e8-sim-this-machine-speedup.png" ]
    [ -s "$SCRATCH/plots/count-sieve-n1e8-speedup.png" ]
    [[ "$output" == *"real omp: 2 points"* ]]
}

@test "study.sh --simulate runs a simulated study, resumably, and refuses what it cannot simulate" {
    run "$REPO/scripts/study.sh" --simulate modern-cluster --kernels count -n 1e8 --workers 1,16 --reps 1 \
        --dir "$SCRATCH/s"
    [ "$status" -eq 0 ]
    [ "$(grep -c '^primes-run/5,count,.*,true,modern-cluster,' "$SCRATCH/s/runs.csv")" -eq 2 ]
    cmp "$SCRATCH/s/platform.xml" "$REPO/platforms/modern-cluster.xml"
    grep -q '"simulated_platform": "modern-cluster"' "$SCRATCH/s/study.json"
    run "$REPO/scripts/study.sh" --simulate modern-cluster --kernels count -n 1e8 --workers 1,16 --reps 1 \
        --dir "$SCRATCH/s"
    [[ "$output" == *"(2 already in runs.csv, 0 to run)"* ]]
    run "$REPO/scripts/study.sh" --simulate modern-cluster --models omp --dry-run --dir "$SCRATCH/x"
    one_line 2
    [ "$output" = "study.sh: --models: 'omp' cannot be simulated (allowed with --simulate: mpi)" ]
    run "$REPO/scripts/study.sh" --simulate nowhere --dry-run --dir "$SCRATCH/x"
    one_line 2
    [[ "$output" == "simulate.sh: --platform: 'nowhere' is not a platform"* ]]
}

@test "calibrate measures real and simulated runs at 1 and 2 ranks and writes the speed it found" {
    export PRIMES_CALIBRATION="$SCRATCH/calibration.txt"
    run "$SIMULATE" calibrate --reps 1 --dir "$SCRATCH/c"
    [ "$status" -eq 0 ]
    speed=$(awk '$1 == "reference_speed" {print $2}' "$PRIMES_CALIBRATION")
    [[ "$speed" =~ ^[0-9.e+]+Gf$ ]]
    [ "$(grep -c '^case ' "$PRIMES_CALIBRATION")" -eq 4 ]
    cmp "$PRIMES_CALIBRATION" "$SCRATCH/c/calibration.txt"
    # every case real once, simulated at 1Gf once and at the calibrated speed once
    [ "$(awk -F, 'NR > 1 {print $4}' "$SCRATCH/c/calibration.csv" | sort | uniq -c | xargs)" = "4 real 4 simulated-check 4 simulated-first" ]
    # later runs take the calibrated speed
    got=$("$SIMULATE" run --ranks 2 -- count -n 1e6 -m mpi --json -q | json_get sim_reference_speed)
    [ "$got" = "$speed" ]
    run "$SIMULATE" calibrate --reps 0
    one_line 2
}
