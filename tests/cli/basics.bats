#!/usr/bin/env bats
# basics.bats: the command line's contract: help, version, list, info, the human block, JSON Lines, CSV
# rows, exit codes, verification and the product's output file.
load ../lib/common

@test "--help names every kernel, option and the exit statuses" {
    run "$PRIMES" --help
    [ "$status" -eq 0 ]
    for word in count product spin --from --method --model --threads --schedule --repeat --warmup --json \
        --csv --trace --verify --output --hex --list --version "exit status"; do
        [[ "$output" == *"$word"* ]] || { echo "missing: $word"; return 1; }
    done
}

@test "--version carries the git commit" {
    run "$PRIMES" --version
    [ "$status" -eq 0 ]
    commit=$(git -C "$BATS_TEST_DIRNAME" rev-parse --short=12 HEAD)
    [[ "$output" == "primes "*"(git $commit"* ]]
}

@test "--list shows kernels, methods and the models compiled in" {
    run "$PRIMES" --list
    [ "$status" -eq 0 ]
    [[ "$output" == *"count"* && "$output" == *"product"* && "$output" == *"spin"* ]]
    [[ "$output" == *"sieve"* && "$output" == *"trial"* && "$output" == *"naive"* ]]
    [[ "$output" == *"serial"* ]]
}

@test "info reports machine, build and libraries" {
    run "$PRIMES" info
    [ "$status" -eq 0 ]
    [[ "$output" == *"GMP "* && "$output" == *"GSL "* && "$output" == *"cores"* && "$output" == *"mpi"* ]]
}

@test "the human block: kernel, range, model, result, verification, time, rate, memory" {
    run "$PRIMES" count -n 1e7
    [ "$status" -eq 0 ]
    [[ "$output" == *"primes count [0, 10000000) by sieve"* ]]
    [[ "$output" == *"result    664579 primes"* ]]
    [[ "$output" == *"verified  yes, by table: 664579 primes below 10^7"* ]]
    run "$PRIMES" product -n 100
    [[ "$output" == *"verified  count only, by table: yes, 25 primes below 10^2"* ]]
    [[ "$output" == *"model     serial: 1 worker"* ]]
    [[ "$output" == *"numbers/s"* && "$output" == *"peak"*"MiB"* && "$output" == *"imbalance"* ]]
}

@test "--verify checks the count exactly with an independent method" {
    run "$PRIMES" count --from 1e6+3 -n 2^27+1 --verify
    [ "$status" -eq 0 ]
    [[ "$output" == *"verified  yes, exactly: Meissel-Lehmer pi(x) counts"* ]]
}

@test "a range off the table says it is not verified, never success" {
    run "$PRIMES" count --from 12345 -n 1e6
    [ "$status" -eq 0 ]
    [[ "$output" == *"verified  no: no table entry for [12345, 1000000)"* ]]
}

@test "JSON Lines: every field of the design note, with its type" {
    run "$PRIMES" count -n 1e6 --json -r 3 --warmup 1
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 3 ]
    for k in schema kernel method model schedule verified host timestamp version; do
        [ "$(json_type "$k" <<<"${lines[0]}")" = str ] || { echo "$k"; return 1; }
    done
    for k in from n ranks threads chunk rep result; do
        [ "$(json_type "$k" <<<"${lines[0]}")" = int ] || { echo "$k"; return 1; }
    done
    [ "$(json_type wall_s <<<"${lines[0]}")" = float ]
    [ "$(json_get result <<<"${lines[0]}")" = 78498 ]
    [ "$(json_get verified <<<"${lines[0]}")" = table ]
    [ "$(json_get rep <<<"${lines[2]}")" = 3 ]
    [ "$(json_get schema <<<"${lines[0]}")" = primes-run/5 ]
    [ "$(json_get simulated <<<"${lines[0]}")" = false ]
}

@test "product below 50328: 5164 primes, 72233 bits, 21745 digits" {
    run "$PRIMES" product -n 50328 --json
    [ "$status" -eq 0 ]
    [ "$(json_get result primes <<<"$output")" = 5164 ]
    [ "$(json_get result bits <<<"$output")" = 72233 ]
    [ "$(json_get result digits <<<"$output")" = 21745 ]
}

@test "product --verify equals GMP's primorial and -o writes the whole number" {
    run "$PRIMES" product -n 1e5 --verify -o "$SCRATCH/p.txt"
    [ "$status" -eq 0 ]
    [[ "$output" == *"verified  yes, exactly: equal to GMP's mpz_primorial_ui"* ]]
    digits=$(tr -d '\n' <"$SCRATCH/p.txt" | wc -c)
    [[ "$output" == *"$digits decimal digits"* ]]
    run "$PRIMES" product -n 30 -o "$SCRATCH/p.hex" --hex
    [ "$(cat "$SCRATCH/p.hex")" = "$(printf '%x' 6469693230)" ]
    ! ls "$SCRATCH"/.primes-* 2>/dev/null
}

@test "the product never prints the number itself to the terminal" {
    run "$PRIMES" product -n 1e5
    [ "$status" -eq 0 ]
    [ "${#output}" -lt 2000 ]
}

@test "spin -n 9^9 counts to 387420489, verified by the closed form" {
    run "$PRIMES" spin -n 9^9 --json
    [ "$status" -eq 0 ]
    [ "$(json_get result <<<"$output")" = 387420489 ]
    [ "$(json_get verified <<<"$output")" = exact ]
}

@test "trial and naive methods give the sieve's answers" {
    for method in trial naive; do
        a=$("$PRIMES" count --from 1000 -n 30000 --method "$method" --json | json_get result)
        b=$("$PRIMES" count --from 1000 -n 30000 --json | json_get result)
        [ "$a" = "$b" ]
        a=$("$PRIMES" product -n 20000 --method "$method" --json | json_get result mod_m61)
        b=$("$PRIMES" product -n 20000 --json | json_get result mod_m61)
        [ "$a" = "$b" ]
    done
}

@test "edges: n = 0 refused; 1, 2, 3 and a start inside a segment" {
    run "$PRIMES" -n 0 --json # an empty range is refused before the run, as --from 100 -n 100 is
    [ "$status" -eq 2 ]
    [[ "$output" == *"leaves the range [0, 0) empty"* ]]
    [ "$("$PRIMES" -n 1 --json | json_get result)" = 0 ]
    [ "$("$PRIMES" -n 2 --json | json_get result)" = 0 ]
    [ "$("$PRIMES" -n 3 --json | json_get result)" = 1 ]
    [ "$("$PRIMES" --from 2 -n 3 --json | json_get result)" = 1 ]
    [ "$("$PRIMES" --from 1000003 -n 2000000 --json --verify | json_get verify_ok)" = true ]
}

@test "CSV: header once, one row per timed repetition, whole lines" {
    "$PRIMES" count -n 1e5 -r 2 --csv "$SCRATCH/runs.csv" >/dev/null
    "$PRIMES" product -n 1e4 -r 3 --warmup 2 --csv "$SCRATCH/runs.csv" >/dev/null
    [ "$(wc -l <"$SCRATCH/runs.csv")" -eq 6 ]
    [ "$(grep -c '^schema,' "$SCRATCH/runs.csv")" -eq 1 ]
    python3 - "$SCRATCH/runs.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 5, rows
assert [r["kernel"] for r in rows] == ["count"] * 2 + ["product"] * 3
assert rows[0]["result"] == "9592" and rows[2]["result"] == "1229", rows
assert all(r["git_commit"] and r["host"] and r["cpu_model"] for r in rows)
assert rows[2]["digits"] != "" and rows[0]["digits"] == ""
PY
}

@test "many writers append whole CSV lines" {
    for i in 1 2 3 4 5 6; do "$PRIMES" count -n 1e6 -r 5 --csv "$SCRATCH/c.csv" >/dev/null & done
    wait
    [ "$(wc -l <"$SCRATCH/c.csv")" -eq 31 ]
    python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 30 and all(r["result"] == "78498" for r in rows)
' "$SCRATCH/c.csv"
}

@test "--trace writes one row per work item with bounds and times" {
    run "$PRIMES" count -n 1e6 --schedule static,100000 --trace "$SCRATCH/t.csv"
    [ "$status" -eq 0 ]
    [ "$(head -n 1 "$SCRATCH/t.csv")" = "rep,item,rank,thread,host,lo,hi,start_s,stop_s,kernel,method,from,n,model,ranks,threads,wall_s,settle_s,merge_s" ]
    [ "$(wc -l <"$SCRATCH/t.csv")" -eq 11 ]
    [ "$(tail -n 1 "$SCRATCH/t.csv" | cut -d, -f7)" = 1000000 ]
}

@test "a failed verification prints both values and exits 1" {
    # PRIMES_FAULT=miscount is the test hook that adds one to the count before it is checked
    PRIMES_FAULT=miscount run "$PRIMES" count -n 1e6
    [ "$status" -eq 1 ]
    [[ "$output" == *"result    78499 primes"* ]]
    [[ "$output" == *"verified  FAILED, by table: 78498 primes below 10^6, this run 78499"* ]]
    PRIMES_FAULT=miscount run "$PRIMES" count --from 7 -n 1e6 --verify --json
    [ "$status" -eq 1 ]
    [ "$(json_get verify_ok <<<"$output")" = false ]
}

@test "product --verify of a range far from 0 multiplies its primes one by one, and a wrong product fails" {
    run "$PRIMES" product --from 2^40 -n 2^40+100000 --verify
    [ "$status" -eq 0 ]
    [[ "$output" == *"verified  yes, exactly: equal to each prime of the range by Miller-Rabin, multiplied pairwise"* ]]
    PRIMES_FAULT=miscount run "$PRIMES" product --from 2^40 -n 2^40+100000 --verify
    [ "$status" -eq 1 ]
    [[ "$output" == *"verified  FAILED, exactly: each prime of the range by Miller-Rabin"*"; this run"* ]]
    PRIMES_FAULT=miscount run "$PRIMES" product -n 1e5 --verify
    [ "$status" -eq 1 ]
    [[ "$output" == *"verified  FAILED, exactly: GMP's mpz_primorial_ui has 143816 bits"*"this run 143817 bits"* ]]
}

@test "--json stays valid JSON when the environment it records holds stray bytes" {
    out=$(OMP_DISPLAY_ENV=$'false\xff\x01' "$PRIMES" -n 1e5 -q --json 2>/dev/null)
    python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert "\ufffd" in d["omp_env"], d["omp_env"]' "$out"
}

@test "--check: the options, environment and paths checked as for the run, then nothing runs or is written" {
    run "$PRIMES" product -n 1e9 -t 2 --csv "$SCRATCH/new.csv" -o "$SCRATCH/p.txt" --check
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    [ ! -e "$SCRATCH/new.csv" ] && [ ! -e "$SCRATCH/p.txt" ]
    run "$PRIMES" -n 1e9 --schedule static,1 --check
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: --schedule: chunk 1 cuts"* ]]
    run env OMP_STACKSIZE=64G "$PRIMES" --check
    [ "$status" -eq 2 ]
}

@test "a run that shares its cores with other processes says so: CPU per busy second, other load, DISTURBED" {
    # two spinners on the machine's cores while a run of as many workers as cores counts
    local cores spinners=()
    cores=$(nproc)
    for _ in $(seq "$cores"); do
        sh -c 'while :; do :; done' 3>&- &
        spinners+=($!)
    done
    run "$PRIMES" -n 1e10 -t "$cores" --json
    kill "${spinners[@]}"
    [ "$status" -eq 0 ]
    python3 - "$output" <<'PY'
import json, sys
r = json.loads([l for l in sys.argv[1].splitlines() if l.startswith("{")][0])
assert r["schema"] == "primes-run/5"
assert r["disturbed"] is True, r
assert r["other_cpus"] > 0.5 or r["cpu_per_busy"] < 0.8, r
assert r["disturbed_why"], r
assert r["ctx_involuntary"] > 0 and r["cpu_s"] > 0, r
PY
    run "$PRIMES" -n 1e6
    [[ "$output" == *"  cpu       "*" busy ("*"%), "*" context switches ("*" forced), other processes "* ]]
}

@test "-r R ends with a summary of the R repetitions: median, mean and interval, min, max, outliers" {
    run "$PRIMES" -n 1e7 -r 5
    [ "$status" -eq 0 ]
    [ "$(grep -c '^primes count' <<<"$output")" -eq 5 ]
    # the block comes last: its heading, the times, then outliers and disturbed ones when there are any
    summary=$(sed -n '/^summary of 5 repetitions$/,$p' <<<"$output")
    [ -n "$summary" ]
    grep -q '^  wall      median .*, mean .* ± .* (95%), min .*, max .*, spread .*%$' <<<"$summary"
    if grep -v '^summary of\|^  wall  \|^  outliers  \|^  DISTURBED ' <<<"$summary"; then return 1; fi
    run "$PRIMES" -n 1e7 -r 1
    [[ "$output" != *"summary of"* ]]
    run "$PRIMES" -n 1e7 -r 3 --json
    [[ "$output" != *"summary of"* ]]
}
