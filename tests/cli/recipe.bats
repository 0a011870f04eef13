#!/usr/bin/env bats
# recipe.bats: docs/architecture.md's "Adding a kernel" followed to the letter in a temporary copy of the
# tree: a throwaway kernel (the sum of the numbers of a range) in one new file plus one registry line
# builds and runs, verified, under every model primes --list names; and the build refuses an OpenMP
# pragma or mpi.h in a kernel (the rule enforces itself).
load ../lib/common

ROOT="$BATS_TEST_DIRNAME/../.."

# copy_tree DIR: the sources and the Makefile, nothing built.
copy_tree() {
    mkdir -p "$1"
    (cd "$ROOT" && tar cf - Makefile src) | (cd "$1" && tar xf -)
}

# add_sum_kernel DIR: steps 1-6 of the recipe.
add_sum_kernel() {
    cat >"$1/src/kernels/sum.c" <<'C'
/* sum.c: a throwaway kernel for tests/cli/recipe.bats: the sum of the numbers of [from, n) mod 2^64,
 * verified by the closed form. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kernels/kernel.h"
#include "kernels/range_chunk.h"
#include "kernels/word_partial.h"

typedef struct sum_partial {
    uint64_t sum;
} sum_partial;

static uint64_t sum_below(uint64_t n) /* 0 + 1 + ... + (n - 1) mod 2^64 */
{
    return n % 2 ? n * ((n - 1) / 2) : (n / 2) * (n - 1);
}

static uint64_t sum_default_chunk(const job *j)
{
    return range_chunk(j, RANGE_CHUNK_ALIGN, 64);
}

static void sum_run_item(const job *j, const work_item *item, void *partial)
{
    (void)j;
    for (uint64_t i = item->lo; i < item->hi; i++)
        ((sum_partial *)partial)->sum += i;
}

static void sum_finish(const job *j, void *partial, result *r)
{
    memset(r, 0, sizeof *r);
    r->value = ((sum_partial *)partial)->sum;
    uint64_t expected = j->n > j->from ? sum_below(j->n) - sum_below(j->from) : 0;
    r->verify = VERIFY_EXACT;
    r->verify_ok = r->value == expected;
    snprintf(r->verify_detail, sizeof r->verify_detail, "closed form %" PRIu64, expected);
}

static double sum_work(method_kind method, double n)
{
    (void)method;
    return n;
}

const kernel kernel_sum = {
    .name = "sum",
    .summary = "the sum of the numbers of [from, n) (a throwaway kernel)",
    .default_n = 1000000,
    .unit = "sum",
    .unit_one = "sum",
    .work = sum_work,
    .partial_size = sizeof(sum_partial),
    .sum_words = 1,
    .default_chunk = sum_default_chunk,
    .init = word_partial_init,
    .run_item = sum_run_item,
    .merge = word_partial_merge,
    .pack = word_partial_pack,
    .unpack = word_partial_unpack,
    .finish = sum_finish,
};
C
    local reg="$1/src/kernels/registry.c"
    sed -i -e 's/^extern const kernel \(.*\);$/extern const kernel \1, kernel_sum;/' \
        -e 's/&kernel_tasks, NULL}/\&kernel_tasks, \&kernel_sum, NULL}/' "$reg"
    grep -q 'kernel_sum, NULL' "$reg" # the recipe's step 6 took
}

@test "a kernel added by the recipe (one file, one registry line) runs verified under every model" {
    copy_tree "$SCRATCH/tree"
    add_sum_kernel "$SCRATCH/tree"
    run make -C "$SCRATCH/tree" -j2 --no-print-directory
    [ "$status" -eq 0 ] || { echo "$output"; false; }
    local bin="$SCRATCH/tree/primes" m ran=0
    run "$bin" --list
    [[ "$output" == *"sum       the sum of the numbers"* ]]
    source "$ROOT/scripts/lib.sh"
    for m in $(lib_listed "$bin" models); do
        local threads=(-t 2) launch=()
        if lib_has_fact "$bin" models "$m" "one thread"; then threads=(); fi
        if lib_has_fact "$bin" models "$m" mpi; then launch=(mpirun --oversubscribe -np 2); fi
        run "${launch[@]}" "$bin" sum --from 12345 -n 1000003 -m "$m" "${threads[@]}"
        [ "$status" -eq 0 ] || { echo "model $m: $output"; false; }
        [[ "$output" == *"result    499926306663 sum"* ]] || { echo "model $m: $output"; false; }
        [[ "$output" == *"verified  yes, exactly: closed form 499926306663"* ]] || { echo "model $m: $output"; false; }
        ran=$((ran + 1))
    done
    [ "$ran" -ge 5 ]
}

@test "the build refuses an OpenMP pragma or mpi.h in a kernel" {
    copy_tree "$SCRATCH/tree"
    add_sum_kernel "$SCRATCH/tree"
    local k="$SCRATCH/tree/src/kernels/sum.c"
    cp "$k" "$SCRATCH/sum.c"
    sed -i 's|^    for (uint64_t i = item->lo|#pragma omp parallel for\n    for (uint64_t i = item->lo|' "$k"
    run make -C "$SCRATCH/tree" --no-print-directory build/kernels/sum.o
    [ "$status" -ne 0 ]
    [[ "$output" == *"omp parallel"* ]]
    cp "$SCRATCH/sum.c" "$k"
    sed -i 's|^#include <inttypes.h>|#include <mpi.h>\n#include <inttypes.h>|' "$k"
    run make -C "$SCRATCH/tree" --no-print-directory build/kernels/sum.o
    [ "$status" -ne 0 ]
    [[ "$output" == *"mpi.h"* ]]
    cp "$SCRATCH/sum.c" "$k" # and the same file unchanged builds
    run make -C "$SCRATCH/tree" --no-print-directory build/kernels/sum.o
    [ "$status" -eq 0 ] || { echo "$output"; false; }
}
