#!/usr/bin/env bash
# run.sh: runs every test suite of `make test` in order (cmocka unit tests, then the bats suites of the
# command line, MPI under Open MPI and under MPICH, sanitizers, the fuzzed parsers, studies, the report in
# a browser, the simulated platforms, the installed suite and the cluster),
# prints each framework's summary, and fails when any suite fails. FUZZ_SECONDS: each harness's budget (20).
# Usage: tests/run.sh [SUITE...]   (suites: unit cli mpi mpich sanitizers fuzz study report tutorials simulate install cluster)
set -euo pipefail

usage() {
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
}
case "${1:-}" in -h | --help) usage; exit 0 ;; esac

cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# The tests time nothing and compare everything: keep them quiet and deterministic.
unset OMP_NUM_THREADS SLURM_CPUS_PER_TASK

suites=("$@")
[[ ${#suites[@]} -gt 0 ]] || suites=(unit cli mpi mpich sanitizers fuzz study report tutorials simulate install cluster)
failed=()

run_unit() {
    local t status=0
    for t in build/tests/test_*; do
        [[ -x "$t" ]] || continue
        echo "== unit: ${t##*/}"
        "$t" || status=1
    done
    return "$status"
}

run_bats() {
    local dir="tests/$1"
    compgen -G "$dir/*.bats" >/dev/null || return 0
    echo "== bats: $dir"
    bats --timing "$dir"
}

for suite in "${suites[@]}"; do
    case "$suite" in
        unit) run_unit || failed+=(unit) ;;
        mpich) echo "== MPICH (build/mpich/primes under mpiexec.mpich)" &&
            PRIMES_TEST_MPI=mpich run_bats mpi || failed+=(mpich) ;;
        fuzz) echo "== fuzz: tests/fuzz" && tests/fuzz/run.sh --seconds "${FUZZ_SECONDS:-20}" || failed+=(fuzz) ;;
        cli | mpi | sanitizers | study | report | tutorials | simulate | install | cluster) run_bats "$suite" || failed+=("$suite") ;;
        *) echo "run.sh: unknown suite '$suite' (allowed: unit cli mpi mpich sanitizers fuzz study report tutorials simulate install cluster)" >&2; exit 2 ;;
    esac
done

echo
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "make test: FAILED suites: ${failed[*]}"
    exit 1
fi
echo "make test: all suites passed (${suites[*]})"
