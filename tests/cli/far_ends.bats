#!/usr/bin/env bats
# far_ends.bats: the ends of the ranges: a product too large for the memory here refused before it starts
# (in a real memory cgroup), what a run's processes held (the largest and the host's sum), and counting
# near 2^64 in one item per worker.
load ../lib/common
bats_require_minimum_version 1.5.0

teardown() {
    [[ -z ${CGROUP:-} ]] || rmdir "$CGROUP" 2>/dev/null || true
}

@test "a product that cannot fit is refused before it starts: one line naming the estimate and the memory" {
    CGROUP=$(memory_cgroup 800000000) || skip "no memory cgroup can be made here (needs root and the memory controller)"
    run --separate-stderr in_memory_cgroup "$CGROUP" "$PRIMES" product -n 1e9 -t 2 --csv "$SCRATCH/runs.csv" -o "$SCRATCH/p.txt"
    [ "$status" -eq 2 ]
    [ -z "$output" ]
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "primes: product of [0, 1000000000) on 2 workers of one host needs about 1.7 GiB (9.5 x its 0.17 GiB result, as measured), more than the 0."*" GiB its cgroup's memory limit leaves (allowed: a narrower range, or a host with more memory)" ]]
    [ ! -e "$SCRATCH/runs.csv" ] && [ ! -e "$SCRATCH/p.txt" ]
    # one worker needs less, and --check alone says the same
    run --separate-stderr in_memory_cgroup "$CGROUP" "$PRIMES" product -n 1e9 --model serial --check
    [ "$status" -eq 2 ]
    [[ "$stderr" == *"on 1 worker of one host needs about 1.2 GiB (6.5 x"* ]]
    # what fits runs, in the same group
    run in_memory_cgroup "$CGROUP" "$PRIMES" product -n 1e7 -t 2 --json
    [ "$status" -eq 0 ]
    [ "$(json_get verify_ok <<<"$output")" = true ]
}

@test "the product's estimate holds: a run's measured peak stays under it" {
    for model in serial omp pthreads; do
        threads=2; [ "$model" = serial ] && threads=1
        run "$PRIMES" product -n 3e7 --model "$model" -t "$threads" --json
        [ "$status" -eq 0 ]
        result=$(( $(json_get result bits <<<"$output") / 8 ))
        peak=$(( $(json_get peak_rss_host_kib <<<"$output") * 1024 ))
        factor=9.5; [ "$model" = serial ] && factor=6.5
        python3 -c "import sys; sys.exit(0 if $peak <= $factor * $result + 64 * 2**20 else 1)" ||
            { echo "$model: $peak bytes at the peak, over the estimate $factor x $result + 64 MiB"; return 1; }
    done
}

@test "memory: the largest process and the sum over the host's processes, in the record and the block" {
    run "$PRIMES" product -n 1e6 --model omp -t 2 --json
    [ "$(json_get host_processes <<<"$output")" -eq 1 ]
    [ "$(json_get peak_rss_host_kib <<<"$output")" = "$(json_get peak_rss_kib <<<"$output")" ]
    run "$PRIMES" product -n 1e7 --model fork -t 2 --json
    [ "$status" -eq 0 ]
    # the parent, its 2 workers and the helper of the split final merge
    [ "$(json_get host_processes <<<"$output")" -eq 4 ]
    largest=$(json_get peak_rss_kib <<<"$output") sum=$(json_get peak_rss_host_kib <<<"$output")
    [ "$sum" -gt "$largest" ] && [ "$sum" -le $((4 * largest)) ]
    run "$PRIMES" count -n 1e7 --model fork -t 3
    [[ "$output" =~ memory\ +peak\ [0-9.]+\ MiB\ in\ the\ largest\ process,\ [0-9.]+\ MiB\ summed\ over\ the\ 4\ processes\ of\ one\ host ]]
    "$PRIMES" count -n 1e5 --model fork -t 2 --csv "$SCRATCH/runs.csv"
    head -n 1 "$SCRATCH/runs.csv" | grep -q ',peak_rss_host_kib,host_processes$'
}

@test "counting near 2^64: one item per worker, whatever the start, within what -s accepts, and right" {
    run "$PRIMES" count --from 2^64-1e7 -n 2^64-1 -t 1
    [ "$status" -eq 0 ]
    [[ "$output" == *"result    225271 primes"* ]]
    [[ "$output" == *"1 item of 10000080"* ]]
    run "$PRIMES" count --from 2^64-1e7 -n 2^64-1 --model pthreads -t 2 --json
    [ "$(json_get result <<<"$output")" -eq 225271 ]
    [ "$(json_get items <<<"$output")" -eq 2 ]
    # the default item far out (unit-tested: never above 2^36) is a chunk -s accepts
    run "$PRIMES" count --from 2^63 -n 2^63+1e6 --json -s dynamic,68719476736
    [ "$status" -eq 0 ]
}
