#!/usr/bin/env bats
# sanitizers.bats: the sanitizer builds of `make sanitizers` on the single-process models: AddressSanitizer
# with UndefinedBehaviorSanitizer (and leak checks) on serial, pthreads and fork; ThreadSanitizer (clang,
# libomp with its Archer tool) on pthreads and omp. Any report fails the run.
load ../lib/common

ASAN="$BATS_TEST_DIRNAME/../../build/asan/primes"
TSAN="$BATS_TEST_DIRNAME/../../build/tsan/primes"
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=66
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=66
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ignore_noninstrumented_modules=1"

# clean BINARY ARGS...: the run succeeds and no sanitizer said anything.
clean() {
    run "$@"
    if [ "$status" -ne 0 ] || grep -qE 'Sanitizer|runtime error' <<<"$output"; then
        echo "status $status: $*"
        echo "$output" | head -n 40
        return 1
    fi
}

@test "AddressSanitizer and UBSan: every kernel and method on serial, pthreads and fork" {
    [ -x "$ASAN" ] || skip "build/asan/primes missing: run make sanitizers"
    for m in serial pthreads fork; do
        t=3; [ "$m" = serial ] && t=1
        for s in static dynamic guided; do
            clean "$ASAN" count -n 2e6 --from 1001 -m "$m" -t "$t" --schedule "$s,100000" --verify --json
            clean "$ASAN" count --method trial -n 2e5 -m "$m" -t "$t" --schedule "$s,5000" --json
            clean "$ASAN" product --method naive -n 20000 -m "$m" -t "$t" --schedule "$s,500" --json
            clean "$ASAN" product -n 3e5 -m "$m" -t "$t" --schedule "$s,20000" --verify --json
            clean "$ASAN" spin -n 1e6 -m "$m" -t "$t" --schedule "$s,65536" --json
        done
        clean "$ASAN" count -n 1e6 -m "$m" -t "$t" -r 2 --csv "$SCRATCH/r.csv" --trace "$SCRATCH/t.csv"
        clean "$ASAN" product -n 1e4 -m "$m" -t "$t" -o "$SCRATCH/p.txt"
    done
    clean "$ASAN" count --from 2^64-200 -n 2^64-1 --verify
}

@test "AddressSanitizer: bad input and the failure paths leave no error behind" {
    [ -x "$ASAN" ] || skip "build/asan/primes missing: run make sanitizers"
    run "$ASAN" -n 1.5e3
    [ "$status" -eq 2 ]
    ! grep -q Sanitizer <<<"$output"
    PRIMES_FAULT=kill-worker@0 run "$ASAN" -n 1e6 -m fork -t 2
    [ "$status" -eq 3 ]
    ! grep -q Sanitizer <<<"$output"
}

@test "ThreadSanitizer: pthreads and omp, every schedule, 2-4 threads, no data race" {
    [ -x "$TSAN" ] || skip "build/tsan/primes missing: run make sanitizers"
    for m in pthreads omp; do
        for s in static cyclic dynamic guided; do
            for t in 2 4; do
                clean "$TSAN" count -n 3e6 -m "$m" -t "$t" --schedule "$s,100000" --json
                clean "$TSAN" product -n 2e5 -m "$m" -t "$t" --schedule "$s,10000" --json
                clean "$TSAN" spin -n 1e6 -m "$m" -t "$t" --schedule "$s,50000" --json
            done
        done
    done
}
