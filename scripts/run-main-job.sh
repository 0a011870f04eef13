#!/usr/bin/env bash
# run-main-job.sh: the main job of `make run`: a local strong-scaling study sized for a laptop (count 1e10
# and product 1e7 under every model compiled in, at 1, 2 and 4 workers, 5 repetitions), then
# `primes analyze` and the plots. Prints the table and the paths of the plots. Re-running it on the same
# day resumes the same study instead of measuring it again.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/run-main-job.sh [--dir DIR] [--quick] [--help]

The main job of `make run`: a strong-scaling study of count 1e10 and product 1e7 under every model
compiled in (serial omp pthreads fork events mpi hybrid; serial and events at 1 worker only), at
1, 2 and 4 workers, 5 timed repetitions after one warm-up round, interleaved round-robin
(scripts/study.sh); then primes analyze (table and summary.csv) and scripts/plot.py (speedup,
efficiency, Karp-Flatt, runtime, and per-worker timelines). About 4 minutes on a quiet 2-core machine;
more when the machine is shared.

  --dir DIR   the study directory (default: results/HOST-YYYYMMDD-main); an existing one is resumed
  --quick     count 1e9 and product 1e6, 3 repetitions: a one-minute rehearsal (default dir ...-quick)
  -h, --help  this text

Writes DIR/runs.csv, study.json, info.txt, commands.log, runs.log, traces/, summary.csv, summary.txt (the
table), index.md (what, where, the table and the plots), plots/*.png and report.html (scripts/report.py:
the whole study in one self-contained page).
Environment: PRIMES (the binary, default ./primes), PRIMES_PYTHON (a python3 with matplotlib).
EOF
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=""
quick=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --quick) quick=1; shift ;;
        --dir)
            [[ $# -ge 2 ]] || { echo "run-main-job.sh: --dir needs a value" >&2; exit 2; }
            dir="$2"
            shift 2
            ;;
        *) echo "run-main-job.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

primes="${PRIMES:-$repo/primes}"
if [[ ! -x "$primes" ]]; then
    echo "run-main-job.sh: no primes binary at '$primes': build it with make (or set PRIMES=PATH)" >&2
    exit 2
fi
# Plots need matplotlib: find out now, not after minutes of measurements.
if ! probe=$("$repo/scripts/plot.py" --probe); then
    echo "run-main-job.sh: the study needs matplotlib for its plots (see above); nothing was run" >&2
    exit 1
fi

host=$(hostname -s 2>/dev/null || hostname)
if ((quick)); then
    sizes="count=1e9,product=1e6" reps=3 suffix=quick
else
    sizes="count=1e10,product=1e7" reps=5 suffix=main
fi
[[ -n "$dir" ]] || dir="$repo/results/$host-$(date -u +%Y%m%d)-$suffix"

started=$SECONDS
echo "== the study ($probe for the plots)"
"$repo/scripts/study.sh" --primes "$primes" --dir "$dir" --scaling strong \
    --kernels count,product --size "$sizes" --methods sieve --workers 1,2,4 \
    --reps "$reps" --warmup-rounds 1
echo
echo "== primes analyze $dir/runs.csv"
"$primes" analyze --csv "$dir/summary.csv" "$dir/runs.csv" | tee "$dir/summary.txt"

# Timelines: for each kernel, the first timed round of omp and of mpi at 2 workers (those that exist).
traces=()
for kernel in count product; do
    for point in omp-1x2 mpi-2x1; do
        for t in "$dir"/traces/"$kernel"-sieve-n*-"$point"-round1.csv; do
            [[ -f "$t" ]] && traces+=(--trace "$t")
        done
    done
done
echo
echo "== plots"
mapfile -t plots < <("$repo/scripts/plot.py" "$dir/summary.csv" --out "$dir/plots" "${traces[@]}")

echo
echo "== the report"
"$repo/scripts/report.py" --primes "$primes" "$dir"

# index.md: the study in one page (what ran, where, the table, the plots).
{
    echo "# Scaling study $(basename "$dir")"
    echo
    echo "Made by \`make run\` (scripts/run-main-job.sh) with $("$primes" --version) on $host," \
        "$(sed -n 's/^  "updated": "\(.*\)",$/\1/p' "$dir/study.json")."
    echo "Every timed run is a row of [runs.csv](runs.csv) (with its provenance); the plan and the machine are in"
    echo "[study.json](study.json) and [info.txt](info.txt); the statistics are in [summary.csv](summary.csv)."
    echo "The whole study in one page that opens anywhere, plots and rows included: [report.html](report.html)."
    echo
    echo '```'
    cat "$dir/summary.txt"
    echo '```'
    echo
    for p in "${plots[@]}"; do
        rel=${p#"$dir"/}
        echo "![${rel#plots/}]($rel)"
    done
} >"$dir/index.md"

echo
echo "plots:"
printf '  %s\n' "${plots[@]}"
echo
echo "study: $dir (report.html, runs.csv, summary.csv, summary.txt, index.md, study.json, info.txt, traces/, plots/)"
echo "main job done in $((SECONDS - started)) s"
