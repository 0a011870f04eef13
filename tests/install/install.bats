#!/usr/bin/env bats
# install.bats: the suite as an admin installs it: make install into a temporary prefix, then the
# installed commands run a study, its plots and report, and a Slurm dry run with the checkout hidden
# (a private mount namespace lays an empty tmpfs over it); the man page renders without a warning and
# names every option of --help; the Lmod modulefile loads and unloads cleanly; DESTDIR stages without
# leaking into the files; make uninstall takes every file away.
load ../lib/common
bats_require_minimum_version 1.5.0

REPO="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
# A PATH without duplicates (Lmod folds repeated entries, so only such a PATH comes back byte for byte).
CLEAN_PATH=/usr/local/bin:/usr/bin:/bin

setup_file() {
    export PREFIX="$BATS_FILE_TMPDIR/prefix"
    make -C "$REPO" --no-print-directory -s install PREFIX="$PREFIX" >"$BATS_FILE_TMPDIR/install.log"
}

# installed CMD...: CMD in a clean environment whose PATH starts with the prefix's bin
installed() {
    env -i PATH="$PREFIX/bin:$CLEAN_PATH" HOME="$SCRATCH" LANG=C.UTF-8 OMPI_ALLOW_RUN_AS_ROOT=1 \
        OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "$@"
}

@test "make install: the binary, the scripts as primes-*, the jobs, platforms, docs, man page, completion and modulefile" {
    version=$(sed -n 's/^#define PRIMES_VERSION "\(.*\)"$/\1/p' "$REPO/src/version.h")
    for f in bin/primes share/man/man1/primes.1 share/bash-completion/completions/primes \
        "share/modulefiles/primes/$version.lua" share/primes/jobs/strong.sbatch share/primes/jobs/submit.sh \
        share/primes/jobs/common.sh share/primes/platforms/modern-cluster.xml share/primes/scripts/lib.sh \
        share/doc/primes/README.md share/doc/primes/docs/cluster.md share/doc/primes/LICENSE; do
        [ -s "$PREFIX/$f" ] || { echo "missing: $f"; return 1; }
    done
    for c in study plot report simulate tutorials submit; do
        [ -L "$PREFIX/bin/primes-$c" ] || { echo "no bin/primes-$c"; return 1; }
        [[ "$(readlink "$PREFIX/bin/primes-$c")" == ../share/primes/* ]]
        installed "primes-$c" --help >/dev/null || { echo "primes-$c --help failed"; return 1; }
    done
    # the version is src/version.h's, in the binary, the modulefile and the man page alike
    [[ "$(installed primes --version)" == "primes $version (git "*")" ]]
    grep -q "^whatis(\"Version: $version\")" "$PREFIX/share/modulefiles/primes/$version.lua"
    grep -q "primes $version" "$PREFIX/share/man/man1/primes.1"
    # nothing a user runs points back at the checkout (the docs may quote it as an example; the simulated
    # binary holds its source file names, as smpicc compiles them)
    if grep -rlF "$REPO" "$PREFIX/bin" "$PREFIX/share/primes" "$PREFIX/share/modulefiles" \
        "$PREFIX/share/bash-completion" "$PREFIX/share/man"; then
        echo "the files above name the checkout $REPO"
        return 1
    fi
}

@test "the installed suite runs a study, its analysis, plots and report, and a Slurm dry run, with the checkout hidden" {
    [[ $(id -u) -eq 0 ]] || skip "hiding the checkout needs a mount namespace (root)"
    mkdir -p "$SCRATCH/work"
    # shellcheck disable=SC2016 # expanded by the inner shell
    run --separate-stderr installed unshare -m bash -c '
        set -euo pipefail
        mount -t tmpfs none "$1"
        [ -z "$(ls -A "$1")" ]
        cd "$2"
        primes-study --models serial,omp --workers 1,2 -n 1e7 --reps 2 --warmup-rounds 0 --dir "$2/s"
        primes analyze --csv "$2/s/summary.csv" "$2/s/runs.csv" >/dev/null
        primes-plot "$2/s/summary.csv" --out "$2/s/plots"
        primes-report "$2/s"
        primes-submit --dry-run --nodes 1,2 -n 1e9
        primes-simulate platforms
    ' bash "$REPO" "$SCRATCH/work" 3>&-
    echo "$output"
    echo "$stderr" >&2
    [ "$status" -eq 0 ]
    [[ "$output" == *"study complete: $SCRATCH/work/s/runs.csv (6 runs)"* ]]
    [[ "$output" == *"primes-report $SCRATCH/work/s"* ]]
    [ "$(grep -c '^primes-run/5,count,sieve,0,10000000,' "$SCRATCH/work/s/runs.csv")" -eq 6 ]
    [ -s "$SCRATCH/work/s/report.html" ]
    compgen -G "$SCRATCH/work/s/plots/*-speedup.png" >/dev/null
    [[ "$output" == *"$PREFIX/share/primes/jobs/strong.sbatch"* ]]
    [[ "$output" == *"PRIMES_ROOT=$PREFIX/share/primes"* ]]
    [[ "$output" == *"modern-cluster"* ]]
}

@test "primes(1): man -l renders it without a warning, and it names every option --help names" {
    page="$PREFIX/share/man/man1/primes.1"
    run --separate-stderr env MANWIDTH=120 man --warnings -l "$page"
    [ "$status" -eq 0 ]
    [ -z "$stderr" ] || { echo "man warned: $stderr"; return 1; }
    text=$(col -b <<<"$output")
    [[ "$text" == *"SYNOPSIS"*"primes [KERNEL] [OPTIONS]"*"ENVIRONMENT"*"EXAMPLES"* ]]
    options=$("$PRIMES" --help | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u)
    [ "$(wc -l <<<"$options")" -ge 20 ]
    for o in $options; do
        grep -qE -- "(^|[ ,])$o([ ,=]|$)" <<<"$text" || { echo "the man page lacks $o"; return 1; }
    done
}

@test "the modulefile with Debian's lmod: module load puts primes on PATH, module unload restores PATH" {
    init=/usr/share/lmod/lmod/init/bash
    [ -f "$init" ] || { echo "no lmod ($init): scripts/install-deps.sh installs it"; return 1; }
    # shellcheck disable=SC2016 # expanded by the inner shell
    run env -i PATH="$CLEAN_PATH" HOME="$SCRATCH" bash -c '
        source "$1"
        command -v primes && exit 1
        before=$PATH
        module use "$2/share/modulefiles"
        module load primes
        command -v primes
        primes --version
        echo "MANPATH=$MANPATH"
        module unload primes
        hash -r
        [ "$PATH" = "$before" ] && echo "PATH restored"
        command -v primes || echo "primes gone"
    ' bash "$init" "$PREFIX"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$PREFIX/bin/primes" ]
    [[ "${lines[1]}" == "primes "*" (git "*")" ]]
    [[ "$output" == *"MANPATH=$PREFIX/share/man"* ]]
    [[ "$output" == *"PATH restored"* ]]
    [[ "$output" == *"primes gone"* ]]
}

@test "the installed completion completes kernels and options" {
    # shellcheck disable=SC2016 # expanded by the inner shell
    run installed bash -c '
        source "$1/share/bash-completion/completions/primes"
        complete -p primes
        COMP_WORDS=(primes pro); COMP_CWORD=1; _primes; echo "kernels: ${COMPREPLY[*]}"
        COMP_WORDS=(primes --sch); COMP_CWORD=1; _primes; echo "options: ${COMPREPLY[*]}"
    ' bash "$PREFIX"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "complete "*" primes" ]]
    [[ "$output" == *"kernels: product"* ]]
    [[ "$output" == *"options: --schedule"* ]]
}

@test "DESTDIR stages the files under it, while the files name PREFIX alone" {
    stage="$SCRATCH/stage"
    make -C "$REPO" --no-print-directory -s install DESTDIR="$stage" PREFIX=/opt/primes-staged >/dev/null
    [ -x "$stage/opt/primes-staged/bin/primes" ]
    [ ! -e /opt/primes-staged ]
    grep -q '^local prefix = "/opt/primes-staged"$' "$stage"/opt/primes-staged/share/modulefiles/primes/*.lua
    if grep -rlF "$stage" "$stage"; then echo "the files above name the staging folder"; return 1; fi
}

@test "make uninstall removes every installed file and the suite's folders" {
    other="$SCRATCH/other"
    make -C "$REPO" --no-print-directory -s install PREFIX="$other" >/dev/null
    touch "$other/bin/not-ours"
    run make -C "$REPO" --no-print-directory -s uninstall PREFIX="$other"
    [ "$status" -eq 0 ]
    [ "$(find "$other" \( -type f -o -type l \) -printf '%P\n')" = "bin/not-ours" ]
    [ ! -e "$other/share/primes" ]
    [ ! -e "$other/share/doc/primes" ]
}

@test "install.sh refuses a relative prefix, an unknown action and a missing binary: one line, exit 2" {
    check_usage "PREFIX='relative/dir' is not an absolute path" "$REPO/scripts/install.sh" install --prefix relative/dir --version 1.0
    check_usage "unknown argument 'reinstall'" "$REPO/scripts/install.sh" reinstall --prefix /tmp/x --version 1.0
    check_usage "--bin '$SCRATCH/none' is not an executable" "$REPO/scripts/install.sh" install --prefix "$SCRATCH/p" \
        --version 1.0 --bin "$SCRATCH/none" --man /dev/null
    [ ! -e "$SCRATCH/p" ]
}
