#!/usr/bin/env bash
# run.sh: runs every libFuzzer harness built by `make fuzz` (tests/fuzz/fuzz_*.c) for a time budget each,
# from its seeds (tests/fuzz/seeds/NAME) and the corpus it grew before (BUILD/fuzz/corpus/NAME), and prints
# one summary line per harness. A harness's dictionary (tests/fuzz/NAME.dict: option names, column
# names) gives the mutations the words the parsers look for. A crash, leak, sanitizer report, timeout or memory blow-up fails the run
# and keeps the input that did it under BUILD/fuzz/artifacts/ (replay: HARNESS FILE).
set -euo pipefail

usage() {
    cat <<'USAGE'
usage: tests/fuzz/run.sh [--seconds N] [--build DIR] [HARNESS...]

  --seconds N   time budget of each harness (default 60)
  --build DIR   where make fuzz built them (default build/fuzz): DIR/fuzzers/HARNESS
  HARNESS       fuzz_numbers, fuzz_cli, fuzz_analyze_options, fuzz_analyze_csv (default: all built)
  -h, --help    this text
USAGE
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=60 build="$root/build/fuzz" names=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --seconds)
            [[ "${2-}" =~ ^[0-9]{1,6}$ && "${2-}" -ge 1 ]] ||
                { echo "run.sh: --seconds: '${2-}' is not allowed (allowed: a whole number 1 .. 999999)" >&2; exit 2; }
            seconds=$2; shift 2 ;;
        --build)
            [[ -n "${2-}" ]] || { echo "run.sh: --build needs a folder (allowed: see --help)" >&2; exit 2; }
            build=$2; shift 2 ;;
        -*) echo "run.sh: unknown option '$1' (allowed: see --help)" >&2; exit 2 ;;
        *) names+=("$1"); shift ;;
    esac
done
if [[ ${#names[@]} -eq 0 ]]; then
    for f in "$here"/fuzz_*.c; do names+=("$(basename "$f" .c)"); done
fi

# The longest input each harness is given: a command line, a number, a runs file of a few hundred rows.
max_len() {
    case "$1" in
        fuzz_numbers) echo 256 ;;
        fuzz_analyze_csv) echo 65536 ;;
        *) echo 2048 ;;
    esac
}

failed=()
mkdir -p "$build/artifacts"
for name in "${names[@]}"; do
    bin="$build/fuzzers/$name"
    [[ -x "$bin" ]] || { echo "run.sh: no harness $bin (build it with make fuzz)" >&2; exit 2; }
    corpus="$build/corpus/$name" log="$build/$name.log"
    mkdir -p "$corpus"
    dict=()
    [[ ! -f "$here/$name.dict" ]] || dict=(-dict="$here/$name.dict")
    status=0
    # -close_fd_mask=3: the parsers' own output is silenced; libFuzzer's and the sanitizers' reports stay
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
        -max_len="$(max_len "$name")" -close_fd_mask=3 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$name-" "${dict[@]}" "$corpus" "$here/seeds/$name" >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 || true)
    if [[ $status -ne 0 || -z "$runs" ]]; then
        echo "fuzz $name: FAILED (status $status; log $log)"
        grep -E 'ERROR|SUMMARY|Test unit written|==[0-9]+==' "$log" | head -n 12 | sed 's/^/  | /'
        failed+=("$name")
    else
        echo "fuzz $name: $runs, ${cov:-cov: ?} edges, corpus $(find "$corpus" -type f | wc -l) inputs: nothing found"
    fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: FAILED: ${failed[*]} (inputs in $build/artifacts/)"
    exit 1
fi
echo "fuzz: ${#names[@]} harnesses, ${seconds} s each: nothing found"
