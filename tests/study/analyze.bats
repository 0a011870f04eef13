#!/usr/bin/env bats
# analyze.bats: `primes analyze` from the command line: the table, the fits and the summary CSV on
# fixtures with known answers (Amdahl f = 0.2, Gustafson alpha = 0.1), outliers named by FILE:LINE, and
# one-line FILE:LINE errors with exit status 2 for unreadable or inconsistent input.
load ../lib/common
bats_require_minimum_version 1.5.0

FIXTURES="$BATS_TEST_DIRNAME/../fixtures/analyze"

@test "analyze --help names the statistics, the fits and the options" {
    run "$PRIMES" analyze --help
    [ "$status" -eq 0 ]
    for word in median "Student t" outliers Karp-Flatt Amdahl Gustafson --csv --weak --drop-outliers --weak-size; do
        [[ "$output" == *"$word"* ]] || { echo "missing: $word"; return 1; }
    done
}

@test "strong scaling: the table, Karp-Flatt 0.2 at every point and the fitted Amdahl f = 0.2" {
    run "$PRIMES" analyze --drop-outliers "$FIXTURES/amdahl-f0.2.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"count by sieve on [0, 10000000000): strong scaling"* ]]
    [[ "$output" == *"machine fixture, Fixture CPU 8-core, 8 cores; 20 runs"* ]]
    # T(1) = 10, T(2) = 6, T(4) = 4: speedups 1.67 and 2.50, Karp-Flatt (1/S - 1/p)/(1 - 1/p) = 0.2.
    [[ "$output" =~ omp\ +2\ +1x2\ +5\ .*1\.67\ ±.*0\.83\ ±\ 0\.01\ +0\.200\ ± ]]
    [[ "$output" =~ omp\ +4\ +1x4\ +4\ of\ 5\ .*2\.50\ ±.*0\.62\ ±\ 0\.01\ +0\.200\ ± ]]
    [[ "$output" =~ omp\ +f\ =\ 0\.2000\ ± ]]
}

@test "the summary CSV: one row per configuration, the documented columns, values to full precision" {
    run "$PRIMES" analyze --drop-outliers --csv "$SCRATCH/summary.csv" "$FIXTURES/amdahl-f0.2.csv"
    [ "$status" -eq 0 ]
    [ "$(wc -l <"$SCRATCH/summary.csv")" -eq 5 ]
    python3 - "$SCRATCH/summary.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {(r["model"], r["workers"]): r for r in rows}
assert rows[0]["schema"] == "primes-summary/3", rows[0]["schema"]
assert rows[0]["platform"] == "", rows[0]["platform"]
r = by[("omp", "4")]
assert r["scaling"] == "strong" and r["runs"] == "5" and r["used"] == "4" and r["outliers"] == "1", r
assert abs(float(r["mean_s"]) - 4.0) < 1e-9
assert abs(float(r["speedup"]) - 2.5) < 1e-9
assert abs(float(r["karp_flatt"]) - 0.2) < 1e-9
assert r["fit_law"] == "amdahl"
f, ci = float(r["fit_serial_fraction"]), float(r["fit_ci95"])
assert abs(f - 0.2) <= ci < 0.02, (f, ci)
assert by[("serial", "1")]["fit_law"] == ""
assert r["cpu_model"] == "Fixture CPU 8-core" and r["cores"] == "8" and r["oversubscribed"] == "false"
PY
}

@test "outliers are flagged with their file and line, kept unless --drop-outliers" {
    run "$PRIMES" analyze "$FIXTURES/amdahl-f0.2.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"omp at 4 workers (1x4): 7.5 s against a median of 4 s, $FIXTURES/amdahl-f0.2.csv:21"* ]]
    [[ "$output" == *"kept in the statistics"* ]]
    [[ "$output" =~ omp\ +4\ +1x4\ +5\ +3\.96\ +4\ +4\.7\  ]]
}

@test "weak scaling: work ratios, scaled speedup and the fitted Gustafson alpha = 0.1" {
    run "$PRIMES" analyze --weak "$FIXTURES/weak-alpha0.1.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"weak scaling"* ]]
    [[ "$output" =~ omp\ +4\ +1x4\ +390000000\ .*\ 4\ +3\.70\ ± ]]
    [[ "$output" =~ omp\ +alpha\ =\ 0\.(09|10)[0-9]+\ ± ]]
}

@test "oversubscribed points are marked and left out of the fit" {
    run "$PRIMES" analyze --cores 2 "$FIXTURES/amdahl-f0.2.csv"
    [ "$status" -eq 0 ]
    [[ "$output" =~ omp\ +4\*\ +1x4 ]]
    [[ "$output" == *"oversubscribed"* ]]
    [[ "$output" =~ f\ =\ 0\.2[0-9]*\ ±\ [0-9.]+\ +T1\ =\ [0-9.]+\ s\ +10\ runs ]]
}

@test "several files are one data set; a header repeated by cat is skipped" {
    head -n 11 "$FIXTURES/amdahl-f0.2.csv" >"$SCRATCH/a.csv"
    { head -n 1 "$FIXTURES/amdahl-f0.2.csv"; tail -n +12 "$FIXTURES/amdahl-f0.2.csv"; } >"$SCRATCH/b.csv"
    cat "$SCRATCH/a.csv" "$SCRATCH/b.csv" >"$SCRATCH/joined.csv"
    run "$PRIMES" analyze "$SCRATCH/a.csv" "$SCRATCH/b.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"20 runs"* ]]
    run "$PRIMES" analyze "$SCRATCH/joined.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"20 runs"* ]]
}

# bad_input FILE-CONTENT EXPECTED-MESSAGE: exit 2 and one line naming the file and line.
bad_input() {
    printf '%s' "$1" >"$SCRATCH/bad.csv"
    run "$PRIMES" analyze "$SCRATCH/bad.csv"
    [ "$status" -eq 2 ] || { echo "status $status: $output"; return 1; }
    [ "${#lines[@]}" -eq 1 ] || { echo "not one line: $output"; return 1; }
    [[ "$output" == "primes: analyze: $SCRATCH/bad.csv:$2"* ]] || { echo "got: $output"; return 1; }
}

HEADER="schema,kernel,method,from,n,model,ranks,threads,workers,schedule,chunk,wall_s,result,verify_ok"

@test "bad input: missing columns, a non-number, a short row, a failed verification" {
    bad_input $'kernel,model,n\ncount,omp,10\n' "1: missing columns method, from, ranks, threads, workers, schedule, chunk, wall_s"
    bad_input "$HEADER"$'\nprimes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1.5s,78498,true\n' "2: wall_s: '1.5s' is not a number"
    bad_input "$HEADER"$'\nprimes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1.5,78498,true\nprimes-run/1,count,sieve,0,1e6,omp,1,two,2,dynamic,10,1.5,78498,true\n' "3: threads: 'two' is not a number"
    bad_input "$HEADER"$'\nprimes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1.5\n' "2: 12 fields, but the header has 14"
    bad_input "$HEADER"$'\nprimes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1.5,78498,false\n' "2: every run failed verification (1)"
    bad_input "" "1: the file is empty"
}

@test "bad input that would cost memory: a huge row or endless empty columns is refused before it grows" {
    bad_input "$HEADER"$'\n'"$(head -c 300000 /dev/zero | tr '\0' x)"$'\n' "2: a record longer than 65536 bytes"
    bad_input "$HEADER"$'\n'"$(printf ',%.0s' $(seq 5000))"$'\n' "2: a record of more than 1024 fields"
}

@test "inconsistent input: two answers for one range, workers that are not ranks x threads" {
    bad_input "$HEADER"$'\nprimes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1.5,78498,true\nprimes-run/1,count,sieve,0,1e6,fork,1,2,2,dynamic,10,1.5,78497,true\n' \
        "3: count on [0, 1000000) gave '78497', but '78498' at $SCRATCH/bad.csv:2"
    bad_input "$HEADER"$'\nprimes-run/1,count,sieve,0,1e6,mpi,2,2,2,dynamic,10,1.5,78498,true\n' \
        "2: workers 2 is not ranks x threads = 2 x 2"
}

@test "weak scaling refuses two sizes for one configuration, naming both lines" {
    printf '%s\n' "$HEADER" "primes-run/1,count,sieve,0,1e6,omp,1,2,2,dynamic,10,1,78498,true" \
        "primes-run/1,count,sieve,0,2e6,omp,1,2,2,dynamic,10,1,148933,true" >"$SCRATCH/w.csv"
    run "$PRIMES" analyze --weak "$SCRATCH/w.csv"
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: analyze: $SCRATCH/w.csv:3: weak scaling: omp at 2 workers ran n = 2000000 here and n = 1000000 at $SCRATCH/w.csv:2"* ]]
}

@test "a summary or a trace given as runs is named for what it is" {
    "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$FIXTURES/amdahl-f0.2.csv" >/dev/null
    run "$PRIMES" analyze "$SCRATCH/summary.csv"
    [ "$status" -eq 2 ]
    [[ "$output" == *"summary.csv:1: missing column"*"this is a summary (primes analyze --csv)"* ]]
    run "$PRIMES" analyze "$BATS_TEST_DIRNAME/../fixtures/plot/product-sieve-n1000000-omp-1x2-round1.csv"
    [ "$status" -eq 2 ]
    [[ "$output" == *"not a runs CSV written by primes --csv"* ]]
}

@test "usage errors: no file, an unknown option, a missing file" {
    run "$PRIMES" analyze
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: analyze: no input files"* ]]
    run "$PRIMES" analyze --bogus x.csv
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: analyze: unknown option '--bogus'"* ]]
    run "$PRIMES" analyze "$SCRATCH/none.csv"
    [ "$status" -eq 2 ]
    [[ "$output" == "primes: analyze: $SCRATCH/none.csv: cannot open: No such file or directory" ]]
}

@test "--weak-size: the work rule per kernel" {
    run "$PRIMES" analyze --weak-size 1e6 --kernel spin --workers 4
    [ "$status" -eq 0 ]
    [ "$output" = 4000000 ]
    run "$PRIMES" analyze --weak-size 1e8 --kernel count --workers 1
    [ "$output" = 100000000 ]
    run "$PRIMES" analyze --weak-size 1e8 --kernel count --workers 2
    [ "$output" = 198000000 ]
    run "$PRIMES" analyze --weak-size 1e6 --kernel product --workers 4
    [ "$output" = 3380000 ]
    run "$PRIMES" analyze --weak-size 1e8 --workers 2
    [ "$status" -eq 2 ]
    [[ "$output" == *"needs --kernel K and --workers P"* ]]
}

@test "--compare A B: what differs first, B/A per common point with a bootstrap interval and a verdict, the rest listed" {
    # B: the fixture with every omp run 30% faster, another commit and CPU, one point more, one point less
    python3 - "$FIXTURES/amdahl-f0.2.csv" "$SCRATCH/b.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out = csv.DictWriter(open(sys.argv[2], "w", newline=""), fieldnames=list(rows[0]))
out.writeheader()
for r in rows:
    if r["model"] == "omp" and r["threads"] == "4":
        continue                                       # a point only A has
    r["git_commit"], r["cpu_model"] = "fedcba654321", "Other CPU"
    if r["model"] == "omp":
        r["wall_s"] = "%.6f" % (float(r["wall_s"]) * 0.7)
    out.writerow(r)
extra = dict(rows[0], model="omp", threads="8", workers="8", wall_s="2.0")
for _ in range(3):
    out.writerow(extra)                                # a point only B has
PY
    mkdir -p "$SCRATCH/a"
    cp "$FIXTURES/amdahl-f0.2.csv" "$SCRATCH/a/runs.csv"
    run "$PRIMES" analyze --compare "$SCRATCH/a" "$SCRATCH/b.csv"
    [ "$status" -eq 0 ]
    # the provenance that differs comes first
    [[ "${lines[2]}" == "what differs (A -> B):" ]]
    [[ "$output" == *"git commit         abc123def456 -> fedcba654321"* && "$output" == *"CPU "*" -> Other CPU"* ]]
    grep -q 'count sieve n=10000000000 omp 1x2 .* 0\.700 \[0\.[0-9]*, 0\.[0-9]*\] *faster$' <<<"$output"
    grep -q 'count sieve n=10000000000 serial 1x1 .* 1\.000 \[.*\] *same within noise$' <<<"$output"
    [[ "$output" == *"only in A (not compared):"*"omp 1x4: 5 runs"* ]]
    [[ "$output" == *"only in B (not compared):"*"omp 1x8: 3 runs"* ]]
    # the same files, the same intervals (a fixed seed)
    [ "$("$PRIMES" analyze --compare "$SCRATCH/a" "$SCRATCH/b.csv")" = "$output" ]
}

@test "--compare refuses with one line: one study, a folder without runs, another schema" {
    check_usage "--compare takes two studies" "$PRIMES" analyze --compare "$FIXTURES/amdahl-f0.2.csv"
    # a file that is not one: FILE:LINE and the reason, one line, status 2
    mkdir -p "$SCRATCH/empty"
    printf 'schema,kernel\nprimes-summary/3,count\n' >"$SCRATCH/other.csv"
    local b expected
    for b in empty other.csv; do
        expected="$SCRATCH/empty/runs.csv: cannot open"
        [[ $b == empty ]] || expected="$SCRATCH/other.csv:1: missing columns"
        run --separate-stderr "$PRIMES" analyze --compare "$FIXTURES/amdahl-f0.2.csv" "$SCRATCH/$b"
        [ "$status" -eq 2 ] && [ -z "$output" ] && [ "${#stderr_lines[@]}" -eq 1 ]
        [[ "$stderr" == "primes: analyze: $expected"* ]] || { echo "$stderr"; return 1; }
    done
}

@test "a fit counts worker counts, not configurations: hybrid 1x2 and 2x1 are one count, still an exact fit" {
    python3 - "$FIXTURES/amdahl-f0.2.csv" "$SCRATCH/hy.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out = csv.DictWriter(open(sys.argv[2], "w", newline=""), fieldnames=list(rows[0]))
out.writeheader()
for r in rows:
    if r["model"] != "omp" or r["threads"] == "4":
        continue
    r["model"] = "hybrid"
    out.writerow(r)
    if r["threads"] == "2":
        out.writerow(dict(r, ranks="2", threads="1"))
PY
    run "$PRIMES" analyze --csv "$SCRATCH/s.csv" "$SCRATCH/hy.csv"
    [ "$status" -eq 0 ]
    [[ "$output" == *"15 runs at 2 worker counts: an exact fit of 2 points, no test of the law"* ]]
    [ "$(python3 -c 'import csv, sys; print({r["fit_verdict"] + "/" + r["fit_worker_counts"] for r in csv.DictReader(open(sys.argv[1]))})' "$SCRATCH/s.csv")" = "{'exact/2'}" ]
}
