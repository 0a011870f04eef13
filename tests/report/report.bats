#!/usr/bin/env bats
# report.bats: scripts/report.py's page of a study: one self-contained file (no URL in it), the same bytes
# from the same data, opened from file:// in headless Chromium (tests/report/check-report.mjs: no console
# error, no request leaving the file, every plot drawn, the tables holding the CSVs' rows, a screenshot),
# and bad input refused with one line and no half-written page.
load ../lib/common
bats_require_minimum_version 1.5.0

REPORT="$BATS_TEST_DIRNAME/../../scripts/report.py"
CHECK="$BATS_TEST_DIRNAME/check-report.mjs"

# small_study DIR: a real study, quickly: count and product under three models at 1 and 2 workers
small_study() {
    "$BATS_TEST_DIRNAME/../../scripts/study.sh" --primes "$PRIMES" --dir "$1" --kernels count,product \
        -n count=1e7,product=1e5 --models serial,omp,pthreads --workers 1,2 --reps 3 >/dev/null
}

@test "report.py --help says what the page holds and how it is written" {
    run "$REPORT" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"usage: scripts/report.py DIR"* && "$output" == *"temporary name"* ]]
}

@test "a study's report: one file, no URL, the same bytes twice, and a real browser reads all of it" {
    small_study "$SCRATCH/s"
    run "$REPORT" "$SCRATCH/s"
    [ "$status" -eq 0 ]
    [ "$output" = "$SCRATCH/s/report.html" ]
    page="$SCRATCH/s/report.html"
    # self-contained: nothing to fetch, no address at all
    if grep -qiE 'https?://|src="[^d#]|<link |@import' "$page"; then grep -oiE 'https?://[^"]*|src="[^"]*"' "$page" | head; return 1; fi
    grep -q '<svg' "$page"
    grep -q 'href="data:text/csv;base64,' "$page"
    # deterministic: the same study gives the same page
    "$REPORT" "$SCRATCH/s" --out "$SCRATCH/again.html" >/dev/null
    cmp "$page" "$SCRATCH/again.html"
    "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$SCRATCH/s/runs.csv" >/dev/null
    run node "$CHECK" "$page" "$SCRATCH/summary.csv" "$SCRATCH/s/runs.csv" "$SCRATCH/shot.png"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == "check-report: "*" plots drawn, 10 configurations, 30 rows, 1 request(s), all from the file;"* ]]
    [ "$(head -c 8 "$SCRATCH/shot.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ]
}

@test "the browser check can fail: a page that fetches, logs an error and lost a row is caught" {
    small_study "$SCRATCH/s"
    "$REPORT" "$SCRATCH/s" >/dev/null
    "$PRIMES" analyze --csv "$SCRATCH/summary.csv" "$SCRATCH/s/runs.csv" >/dev/null
    python3 - "$SCRATCH/s/report.html" "$SCRATCH/bad.html" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
page = page.replace("</body>", '<img src="http://192.0.2.1/x.png"><script>console.error("broken")</script></body>')
page = re.sub(r"(<table class=\"runs\">.*?<tbody>\n)<tr>.*?</tr>\n", r"\1", page, count=1, flags=re.S)
open(sys.argv[2], "w").write(page)
PY
    run node "$CHECK" "$SCRATCH/bad.html" "$SCRATCH/summary.csv" "$SCRATCH/s/runs.csv" "$SCRATCH/shot.png"
    [ "$status" -eq 1 ]
    [[ "$output" == *"a request left the file: http://192.0.2.1/x.png"* ]]
    [[ "$output" == *"console error: broken"* ]]
    [[ "$output" == *"the tables show 9 configurations, the summary has 10"* ]]
}

@test "bad input: no runs, a CSV of another schema, a half-written row: one line, exit 2, the old page kept" {
    local d
    for d in empty other half; do mkdir -p "$SCRATCH/$d"; echo "old page" >"$SCRATCH/$d/report.html"; done
    "$PRIMES" -n 1e5 -q --csv "$SCRATCH/half/runs.csv" >/dev/null
    head -c -20 "$SCRATCH/half/runs.csv" >"$SCRATCH/half/cut" && mv "$SCRATCH/half/cut" "$SCRATCH/half/runs.csv"
    printf 'schema,kernel,model\nprimes-summary/3,count,omp\n' >"$SCRATCH/other/runs.csv"
    for d in empty other half; do
        run --separate-stderr "$REPORT" "$SCRATCH/$d"
        [ "$status" -eq 2 ] || { echo "$d: status $status: $stderr"; return 1; }
        [ "${#stderr_lines[@]}" -eq 1 ] && [[ "$stderr" == "report.py: "* ]] || { echo "$d: $stderr"; return 1; }
        [ "$(cat "$SCRATCH/$d/report.html")" = "old page" ] || { echo "$d: the page was touched"; return 1; }
        if compgen -G "$SCRATCH/$d/.report-*" >/dev/null; then echo "$d: a temporary was left"; return 1; fi
    done
    run --separate-stderr "$REPORT" "$SCRATCH/empty"
    [[ "$stderr" == *"no runs"*"allowed: a study folder"* ]]
    run --separate-stderr "$REPORT" "$SCRATCH/other"
    [[ "$stderr" == *"missing columns"* ]]
    run --separate-stderr "$REPORT" "$SCRATCH/half"
    [[ "$stderr" == *"runs.csv:2: "* ]]
    run --separate-stderr "$REPORT" "$SCRATCH/nothing-here"
    [ "$status" -eq 2 ] && [[ "$stderr" == *"is not a folder"* ]]
}

@test "--compare OTHER: the page shows the comparison, what differs first" {
    small_study "$SCRATCH/s"
    mkdir -p "$SCRATCH/o"
    # the other study: the same rows, every time 20% longer and another commit
    python3 - "$SCRATCH/s/runs.csv" "$SCRATCH/o/runs.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out = csv.DictWriter(open(sys.argv[2], "w", newline=""), fieldnames=list(rows[0]))
out.writeheader()
for r in rows:
    r["wall_s"], r["git_commit"] = "%.9f" % (float(r["wall_s"]) * 1.2), "0123456789ab"
    out.writerow(r)
PY
    run "$REPORT" "$SCRATCH/s" --compare "$SCRATCH/o"
    [ "$status" -eq 0 ]
    grep -q 'id="comparison"' "$SCRATCH/s/report.html"
    grep -q 'git commit *0123456789ab -&gt; ' "$SCRATCH/s/report.html"
    grep -q '10 points in common' "$SCRATCH/s/report.html"
    run --separate-stderr "$REPORT" "$SCRATCH/s" --compare "$SCRATCH/none"
    [ "$status" -eq 2 ] && [[ "$stderr" == "report.py: analyze: $SCRATCH/none: cannot open"* ]]
}
