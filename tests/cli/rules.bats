#!/usr/bin/env bats
# rules.bats: the design's two rules, checked on the source: kernels know no parallel runtime, models know
# no prime math.
load ../lib/common

SRC="$BATS_TEST_DIRNAME/../../src"

@test "no kernel includes omp.h, pthread.h or mpi.h" {
    run grep -rlE '#[[:space:]]*include[[:space:]]*<(omp|pthread|mpi)\.h>' "$SRC/kernels"
    [ "$status" -eq 1 ]
    [ -z "$output" ]
}

@test "no model includes gmp.h or a kernel's internals" {
    run grep -rlE '#[[:space:]]*include[[:space:]]*<gmp\.h>' "$SRC/models"
    [ -z "$output" ]
    # models may include only the seam (kernel.h) from src/kernels
    run bash -c "grep -rhoE '#[[:space:]]*include[[:space:]]*\"(\\.\\./)?kernels/[a-z_]+\\.h\"' '$SRC/models' | grep -v 'kernel\\.h'"
    [ -z "$output" ]
}

@test "every source file starts with a comment saying what it owns" {
    for f in "$SRC"/*.[ch] "$SRC"/kernels/*.[ch] "$SRC"/models/*.[ch] "$SRC"/analyze/*.[ch] "$SRC"/tools/*.[ch]; do
        head -c 2 "$f" | grep -q '/\*' || { echo "no header comment: $f"; return 1; }
    done
}

@test "only src/mpi_env.c and src/models/mpi.c include mpi.h" {
    run bash -c "cd '$SRC' && grep -rlE '#[[:space:]]*include[[:space:]]*[<\"]mpi\\.h[>\"]' . | sort"
    [ "$output" = "$(printf './models/mpi.c\n./mpi_env.c')" ] || { echo "$output"; false; }
}

@test "no include climbs out of src (every include is from src/, -Isrc)" {
    run grep -rnE '#[[:space:]]*include[[:space:]]*"\.\./' "$SRC"
    [ "$status" -eq 1 ]
}
