#!/usr/bin/env bats
# bad_input.bats: every bad input gets exit status 2, exactly one line on stderr naming the bad value and
# what is allowed, nothing on stdout, and no file created or truncated.
load ../lib/common

# check_bad EXPECTED_TEXT ARGS...: runs primes with ARGS plus a --csv, --trace and -o pointing at files that
# exist with content, and a --csv in a fresh directory, and checks all of the above.
check_bad() {
    local expected="$1"
    shift
    printf 'keep\n' >"$SCRATCH/existing.csv"
    local out err
    out="$SCRATCH/stdout" err="$SCRATCH/stderr"
    set +e
    timeout 20 "$PRIMES" "$@" >"$out" 2>"$err"
    local status=$?
    set -e
    [ "$status" -eq 2 ] || { echo "status $status for: $*"; cat "$err"; return 1; }
    [ ! -s "$out" ] || { echo "stdout not empty for: $*"; cat "$out"; return 1; }
    [ "$(wc -l <"$err")" -eq 1 ] || { echo "stderr has $(wc -l <"$err") lines for: $*"; cat "$err"; return 1; }
    grep -q "^primes: " "$err" || { echo "no 'primes:' prefix"; cat "$err"; return 1; }
    grep -qF -- "$expected" "$err" || { echo "expected '$expected' in:"; cat "$err"; return 1; }
    grep -q "allowed" "$err" || grep -q "see primes --help" "$err" || { echo "no allowed values named"; cat "$err"; return 1; }
    [ "$(cat "$SCRATCH/existing.csv")" = keep ] || { echo "existing file changed"; return 1; }
    [ ! -e "$SCRATCH/new/runs.csv" ] && [ ! -e "$SCRATCH/fresh.csv" ] || { echo "a file was created"; return 1; }
    ! ls "$SCRATCH"/.primes-* >/dev/null 2>&1 || { echo "a temporary file was left"; return 1; }
}

@test "junk for -n" { check_bad "'abc'" -n abc --csv "$SCRATCH/existing.csv"; }
@test "negative -n" { check_bad "'-5' is negative" -n -5 --csv "$SCRATCH/fresh.csv"; }
@test "fraction 1.5e3" { check_bad "'1.5e3' is not a whole number" -n 1.5e3 --csv "$SCRATCH/fresh.csv"; }
@test "overflow 2^64" { check_bad "'2^64' exceeds 2^64-1" -n 2^64 --csv "$SCRATCH/fresh.csv"; }
@test "overflow in digits" { check_bad "exceeds 2^64-1" -n 18446744073709551616; }
@test "overflow 1e20" { check_bad "'1e20' exceeds" -n 1e20; }
@test "empty -n" { check_bad "'' is empty" -n ""; }
@test "-n without a value" { check_bad "'-n' needs a value" -n; }
@test "negative exponent" { check_bad "negative exponent" -n 1e-3; }
@test "hex number" { check_bad "'0x10'" -n 0x10; }
@test "junk --from" { check_bad "--from: 'x1'" --from x1 -n 100; }
@test "--from equal to -n" { check_bad "--from: 100 is not below -n 100" --from 100 -n 100 --csv "$SCRATCH/existing.csv"; }
@test "--from above -n" { check_bad "--from: 200 is not below -n 100" --from 200 -n 100; }
@test "unknown kernel" { check_bad "'bogus' is not a kernel" bogus -n 10; }
@test "unknown model" { check_bad "--model: 'gpu' is not a model" --model gpu --csv "$SCRATCH/fresh.csv"; }
@test "unknown method" { check_bad "--method: 'magic' is not a method" --method magic; }
@test "method for spin" { check_bad "kernel 'spin' has no methods" spin --method trial; }
@test "unknown schedule" { check_bad "--schedule: 'random'" --schedule random; }
@test "zero chunk" { check_bad "chunk '0'" --schedule dynamic,0; }
@test "junk chunk" { check_bad "chunk 'x'" --schedule static,x; }
@test "unknown option" { check_bad "'--frobnicate' is not an option" --frobnicate; }
@test "unknown short option" { check_bad "'-z' is not an option" -z; }
@test "zero threads" { check_bad "--threads: '0'" -t 0; }
@test "too many threads" { check_bad "--threads: '100000'" -t 100000; }
@test "zero repetitions" { check_bad "--repeat: '0'" -r 0 --csv "$SCRATCH/existing.csv"; }
@test "junk warmup" { check_bad "--warmup: 'many'" --warmup many; }
@test "stray argument" { check_bad "'extra' is not an option" count extra; }
@test "value for a flag" { check_bad "'--json=yes' takes no value" --json=yes; }
@test "product range too wide" { check_bad "too wide for product" product -n 1e12; }
@test "output for count" { check_bad "kernel 'count' writes no output file" count -o "$SCRATCH/existing.csv"; }
@test "--hex without -o" { check_bad "--hex: needs -o FILE" product --hex; }
@test "csv in a missing directory" { check_bad "cannot write '$SCRATCH/new/runs.csv'" --csv "$SCRATCH/new/runs.csv"; }
@test "serial with threads" { check_bad "does not apply to --model serial" --model serial -t 4; }
@test "--verify out of reach" { check_bad "--verify: the exact check" --from 1e17 -n 2e17 --verify; }
@test "product --verify out of reach, before any run" {
    check_bad "--verify: the exact check of [1000000000, 2000000000) is out of reach (allowed: n <= 67108865, from <= n/8" \
        product --from 1e9 -n 2e9 --verify
}
@test "kernel given twice" { check_bad "'product' must come first" count product; }
@test "kernel after an option" { check_bad "'product' must come first (allowed: primes product" -q product; }
@test "output to a directory" { check_bad "--output: '$SCRATCH' is a directory" product -o "$SCRATCH"; }
@test "csv to a directory" { check_bad "--csv: '$SCRATCH' is a directory" --csv "$SCRATCH"; }
@test "trace and csv one file" {
    check_bad "--trace: '$SCRATCH/fresh.csv' is also the --csv file" --csv "$SCRATCH/fresh.csv" --trace "$SCRATCH/fresh.csv"
}
@test "csv that holds other data" { check_bad "--csv: '$SCRATCH/existing.csv' holds other data" --csv "$SCRATCH/existing.csv"; }
@test "csv of an older schema (no simulation columns)" {
    "$PRIMES" -n 1000 --csv "$SCRATCH/old.csv"
    # primes-run/2 had neither simulated and the five sim_ columns after it, nor primes-run/4's seven nor primes-run/5's two
    sed -i -E '1s/(,[^,]*){15}$//; 2s/(,[^,]*){15}$//; 2s/primes-run\/5/primes-run\/2/' "$SCRATCH/old.csv"
    [ "$(head -n 1 "$SCRATCH/old.csv" | awk -F, '{print $NF}')" = settle_s ]
    cp "$SCRATCH/old.csv" "$SCRATCH/old.before"
    check_bad "--csv: '$SCRATCH/old.csv' holds other data (allowed: a new file, or one written by this version's primes --csv, with the primes-run/5 columns)" --csv "$SCRATCH/old.csv"
    cmp "$SCRATCH/old.csv" "$SCRATCH/old.before"
}
@test "mpi with threads" { check_bad "does not apply to --model mpi" --model mpi -t 2; }
@test "events with threads, not batch" { check_bad "does not apply to --model events" --model events -t 2; }

@test "a bad value wins over a later good one: nothing runs" {
    check_bad "'abc'" -n abc -n 100 --csv "$SCRATCH/fresh.csv"
}

@test "thread counts from the environment obey -t's rules: exit 2 and primes' line, never a crash" {
    local v
    for v in 99999 99999999999 32768 0 -3 abc 2x; do
        run env OMP_NUM_THREADS="$v" timeout 20 "$PRIMES" -n 1e6 -q
        [ "$status" -eq 2 ] || { echo "OMP_NUM_THREADS=$v: status $status: $output"; return 1; }
        # libgomp, loaded before main, complains on its own about values it cannot read (0, -3, abc)
        [[ "${lines[-1]}" == "primes: OMP_NUM_THREADS: '$v' is not allowed (allowed: a whole number 1 .. 4096"* ]]
    done
    run env SLURM_CPUS_PER_TASK=99999 "$PRIMES" -n 1e6 -q
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: SLURM_CPUS_PER_TASK: '99999' is not allowed"* ]]
    # -t takes precedence, and a list's first entry is the count
    run env OMP_NUM_THREADS=99999 "$PRIMES" -n 1e6 -q -t 2 --json
    [ "$status" -eq 0 ]
    [ "$(OMP_NUM_THREADS=3,2 "$PRIMES" -n 1e6 -q --json 2>/dev/null | json_get threads)" = 3 ]
}

@test "OMP_STACKSIZE is checked before the run: exit 2 and primes' line, never libgomp's exit 1 or a crash" {
    local v
    for v in 64G 8000000G 16K 32K 1023K abc "" 1T 1.5M; do
        run env OMP_STACKSIZE="$v" timeout 20 "$PRIMES" product -n 1e6 --model omp -t 2 -q
        [ "$status" -eq 2 ] || { echo "OMP_STACKSIZE=$v: status $status: $output"; return 1; }
        # libgomp, loaded before main, complains on its own about values it cannot read (abc, 1T)
        [[ "${lines[-1]}" == "primes: OMP_STACKSIZE: '$v' is not allowed (allowed: 1M .. 1G, "* ]]
    done
    for v in 1M 1G " 8 m " 2048; do
        run env OMP_STACKSIZE="$v" "$PRIMES" product -n 1e6 --model omp -t 2 -q
        [ "$status" -eq 0 ] || { echo "OMP_STACKSIZE=$v: status $status: $output"; return 1; }
    done
    # libgomp's older name, read when OMP_STACKSIZE is unset, obeys the same rule
    run env GOMP_STACKSIZE=64G "$PRIMES" -n 1e6 -q
    [ "$status" -eq 2 ] && [[ "${lines[-1]}" == "primes: GOMP_STACKSIZE: '64G' is not allowed"* ]]
    run env OMP_STACKSIZE=2M GOMP_STACKSIZE=64G "$PRIMES" -n 1e6 -q
    [ "$status" -eq 0 ]
}

@test "a bad value holding a newline, escapes or stray bytes stays one plain line" {
    run "$PRIMES" -n $'1\n2\e[31m\xff'
    [ "$status" -eq 2 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "primes: -n: '1\\x0a2\\x1b[31m\\xff' is not a whole number"* ]]
}

@test "a chunk too small to run sensibly is refused with the smallest that fits" {
    check_bad "--schedule: chunk 1 cuts [0, 1000000000) into 1000000000 items" -s static,1
    check_bad "cuts [0, 100000000) into 14285715 items" -n 1e8 -s dynamic,7
    # near 2^64 every sieve item derives the primes below 2^32 again
    check_bad "into 100 items" --from 2^64-1000 -n 2^64-1 -s dynamic,10
}

@test "a launcher's rank variables left in the shell: the bad value is still named, and a run is one process" {
    OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 check_bad "'abc'" -n abc
    PMI_SIZE=4 PMI_RANK=3 check_bad "'abc'" -n abc
    run env OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 "$PRIMES" -n 1e5 --json
    [ "$status" -eq 0 ]
    [[ "$output" == *"warning: OMPI_COMM_WORLD_RANK is set but no MPI launcher is behind it"* ]]
    [ "$(grep '^{' <<<"$output" | json_get ranks)" = 1 ]
}
