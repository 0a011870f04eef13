#!/usr/bin/env bats
# 00-scripts.bats: the job scripts and the cluster helpers as files, without a cluster: syntax, shellcheck,
# --help, every parameter documented at the top of the script that reads it, and jobs/submit.sh's chain of
# submissions (a dry run, and a stand-in sbatch that records what it was given).
load ../lib/common
load lib/checks
bats_require_minimum_version 1.5.0

setup() {
    SCRATCH="$(mktemp -d "${BATS_TMPDIR:-/tmp}/primes-cluster-scripts.XXXXXX")"
}

teardown() {
    rm -rf "$SCRATCH"
}

scripts=(jobs/strong.sbatch jobs/weak.sbatch jobs/hybrid.sbatch jobs/analyze.sbatch jobs/submit.sh jobs/common.sh
    tests/cluster/lib/cluster.bash tests/cluster/lib/checks.bash tests/cluster/lib/ns-rsh)

@test "bash -n and shellcheck are clean on jobs/ and tests/cluster/lib" {
    cd "$REPO"
    for f in "${scripts[@]}"; do
        bash -n "$f" || { echo "bash -n: $f"; return 1; }
    done
    command -v shellcheck >/dev/null || skip "shellcheck is not installed (scripts/install-deps.sh installs it)"
    shellcheck -x "${scripts[@]}" tests/cluster/*.bats
}

@test "every job script and helper answers --help with its documentation" {
    for f in strong weak hybrid analyze; do
        run "$JOBS/$f.sbatch" --help
        [ "$status" -eq 0 ]
        [[ "$output" == "$f.sbatch: "* && "$output" == *"Parameters:"* && "$output" != *"#SBATCH"* ]]
    done
    run "$JOBS/submit.sh" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--nodes LIST"* && "$output" == *"--dry-run"* ]]
    run bash "$BATS_TEST_DIRNAME/lib/cluster.bash" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"cluster_up_multi"* ]]
    run "$BATS_TEST_DIRNAME/lib/ns-rsh" --help
    [ "$status" -eq 0 ]
}

@test "every parameter a job script reads is documented, with its default, at the top of that script" {
    # The shared parameters: those pj_defaults sets.
    shared=$(sed -n '/^pj_defaults() {/,/^}/p' "$JOBS/common.sh" | grep -o 'PRIMES_[A-Z_]*\|PRIMES\b' | sort -u)
    [[ $(wc -w <<<"$shared") -ge 10 ]]
    for f in strong weak hybrid analyze; do
        script="$JOBS/$f.sbatch"
        header=$("$script" --help)
        used=$(grep -v '^#' "$script" | grep -o 'PRIMES_[A-Z_]*\|PRIMES\b' | sort -u)
        [[ "$f" == analyze ]] || used=$(printf '%s\n%s\n' "$used" "$shared" | sort -u)
        for name in $used; do
            line=$(grep -E "^ +$name +" <<<"$header") || { echo "$f.sbatch: $name is not documented"; return 1; }
            [[ "$line" == *"default"* ]] || { echo "$f.sbatch: $name has no default: $line"; return 1; }
        done
    done
}

@test "sbatch directives: a time limit and an output file in every script; whole nodes for the studies" {
    for f in strong weak hybrid analyze; do
        grep -q '^#SBATCH --time=' "$JOBS/$f.sbatch"
        grep -q '^#SBATCH --output=' "$JOBS/$f.sbatch"
    done
    for f in strong weak hybrid; do grep -qx '#SBATCH --exclusive' "$JOBS/$f.sbatch"; done
    # Directives after the first command are ignored by sbatch: they must all come before it.
    for f in strong weak hybrid analyze; do
        awk '/^#SBATCH/ && seen {bad = 1} !/^#/ && !/^$/ {seen = 1} END {exit bad}' "$JOBS/$f.sbatch"
    done
}

@test "a job script run outside Slurm stops with a clear message" {
    run env -u SLURM_JOB_ID "$JOBS/strong.sbatch"
    [ "$status" -eq 2 ]
    [[ "$output" == *"not inside a Slurm job: submit it with sbatch"* ]]
}

@test "submit.sh --dry-run: one job per node count and study, then the analysis afterok on all of them" {
    run "$JOBS/submit.sh" --dry-run --primes "$PRIMES" --nodes 1,2,4,8 --study strong,weak -n 1e9 \
        --out "$SCRATCH/out" -- --partition=compute
    [ "$status" -eq 0 ]
    [ "$(grep -c '^sbatch .*strong.sbatch$' <<<"$output")" -eq 4 ]
    [ "$(grep -c '^sbatch .*weak.sbatch$' <<<"$output")" -eq 4 ]
    for n in 1 2 4 8; do grep -q -- "--nodes=$n .*--partition=compute .*strong.sbatch" <<<"$output"; done
    grep -q -- '--dependency=afterok:DRY1:DRY2:DRY3:DRY4:DRY5:DRY6:DRY7:DRY8 --kill-on-invalid-dep=yes .*analyze.sbatch' <<<"$output"
    grep -q "PRIMES_OUT=$SCRATCH/out" <<<"$output"
    grep -q "PRIMES_N=1e9" <<<"$output"
    [ ! -e "$SCRATCH/out" ]
}

@test "submit.sh hands the jobs their parameters and the analysis the ids it waits on (stand-in sbatch)" {
    mkdir -p "$SCRATCH/bin"
    # A stand-in sbatch: records its arguments and the PRIMES_* environment, answers like --parsable.
    cat >"$SCRATCH/bin/sbatch" <<EOF
#!/bin/sh
n=\$(( \$(cat "$SCRATCH/count" 2>/dev/null || echo 100) + 1 ))
echo \$n >"$SCRATCH/count"
{ echo "args: \$*"; env | grep '^PRIMES' | sort; } >"$SCRATCH/job-\$n"
echo "\$n;cluster"
EOF
    chmod +x "$SCRATCH/bin/sbatch"
    run env PATH="$SCRATCH/bin:$PATH" PRIMES_WORKERS_PER_NODE="1 4" "$JOBS/submit.sh" --primes "$PRIMES" \
        --nodes 2,4 --study hybrid --out "$SCRATCH/out" --launcher mpirun --repeat 5 --time 00:20:00
    [ "$status" -eq 0 ]
    [[ "$output" == *"submitted hybrid on 2 node(s): job 101"* && "$output" == *"after 101 102: job 103"* ]]
    grep -q -- '--nodes=2 .*--time=00:20:00 .*hybrid.sbatch' "$SCRATCH/job-101"
    for j in 101 102 103; do
        grep -qx "PRIMES=$PRIMES" "$SCRATCH/job-$j"
        grep -qx "PRIMES_OUT=$SCRATCH/out" "$SCRATCH/job-$j"
        grep -qx "PRIMES_ROOT=$REPO" "$SCRATCH/job-$j"
        grep -qx "PRIMES_LAUNCHER=mpirun" "$SCRATCH/job-$j"
        grep -qx "PRIMES_REPEAT=5" "$SCRATCH/job-$j"
        grep -qx "PRIMES_WORKERS_PER_NODE=1 4" "$SCRATCH/job-$j"
    done
    grep -q -- '--dependency=afterok:101:102 ' "$SCRATCH/job-103"
    grep -qx "PRIMES_AFTER=101 102" "$SCRATCH/job-103"
    grep -q 'hybrid nodes=4 job=102' "$SCRATCH/out/submitted.txt"
}

@test "submit.sh: when an sbatch fails, the jobs it already submitted are cancelled" {
    mkdir -p "$SCRATCH/bin"
    cat >"$SCRATCH/bin/sbatch" <<EOF
#!/bin/sh
n=\$(( \$(cat "$SCRATCH/count" 2>/dev/null || echo 200) + 1 ))
echo \$n >"$SCRATCH/count"
[ \$n -lt 203 ] || { echo "sbatch: error: QOSMaxSubmitJobPerUserLimit" >&2; exit 1; }
echo \$n
EOF
    printf '#!/bin/sh\necho "$*" >>"%s/cancelled"\n' "$SCRATCH" >"$SCRATCH/bin/scancel"
    chmod +x "$SCRATCH/bin/sbatch" "$SCRATCH/bin/scancel"
    run env PATH="$SCRATCH/bin:$PATH" "$JOBS/submit.sh" --primes "$PRIMES" --nodes 1,2,4 --out "$SCRATCH/out"
    [ "$status" -eq 2 ]
    [[ "$output" == *"QOSMaxSubmitJobPerUserLimit"* && "$output" == *"cancelled the jobs already submitted: 201 202"* ]]
    [ "$(cat "$SCRATCH/cancelled")" = "201 202" ]
}

@test "submit.sh refuses what cannot work, before submitting anything" {
    run "$JOBS/submit.sh" --dry-run --primes "$PRIMES" --nodes 1,x
    [ "$status" -eq 2 ] && [[ "$output" == *"'x' is not a node count"* ]]
    run "$JOBS/submit.sh" --dry-run --primes "$PRIMES" --study scaling
    [ "$status" -eq 2 ] && [[ "$output" == *"--study: 'scaling'"* ]]
    run "$JOBS/submit.sh" --dry-run --primes "$SCRATCH/no-such-primes"
    [ "$status" -eq 2 ] && [[ "$output" == *"no executable primes"* ]]
    run "$JOBS/submit.sh" --dry-run --primes "$PRIMES" --launcher mpiexec
    [ "$status" -eq 2 ] && [[ "$output" == *"allowed: srun, mpirun"* ]]
    run "$JOBS/submit.sh" --bogus
    [ "$status" -eq 2 ]
}

@test "submit.sh checks every parameter before it submits, through primes where primes can say" {
    local s=("$JOBS/submit.sh" --dry-run --primes "$PRIMES" --out "$SCRATCH/out")
    check_usage "--kernel: 'bogus' is not a kernel" "${s[@]}" --kernel bogus
    check_usage "-n: 'abc' is not a whole number" "${s[@]}" -n abc
    check_usage "-n: the range [0, 1000000000000) is too wide for product" "${s[@]}" --kernel product -n 1e12
    check_usage "--repeat: '0' is not allowed" "${s[@]}" --repeat 0
    check_usage "--models: 'bogus' is not a model" "${s[@]}" --models "mpi bogus"
    check_usage "--time: 'garbage' is not a Slurm time limit" "${s[@]}" --time garbage
    check_usage "--analysis-time: '1:2:3:4'" "${s[@]}" --analysis-time 1:2:3:4
    check_usage "--combos: '2y4' is not RANKSxTHREADS" "${s[@]}" --combos "1x2 2y4"
    check_usage "--nodes: '99999999999999999999'" "${s[@]}" --nodes 99999999999999999999
    check_usage "--time needs a value" "${s[@]}" --time
    PRIMES_SCHEDULE=bogus check_usage "--schedule: 'bogus' is not a schedule" "${s[@]}"
    [ ! -e "$SCRATCH/out" ]
    # every form sbatch takes passes
    local t
    for t in 30 30:00 1:00:00 2-0 2-12:00 2-12:00:00 UNLIMITED; do
        run "${s[@]}" --time "$t"
        [ "$status" -eq 0 ] || { echo "--time $t: $output"; return 1; }
    done
}

@test "submit.sh -- --dry-run is a dry run too: sbatch has no such option, and nothing is submitted" {
    mkdir -p "$SCRATCH/bin"
    printf '#!/bin/sh\necho "$@" >>"%s/sbatch.log"; echo 7\n' "$SCRATCH" >"$SCRATCH/bin/sbatch"
    chmod +x "$SCRATCH/bin/sbatch"
    run env PATH="$SCRATCH/bin:$PATH" "$JOBS/submit.sh" --primes "$PRIMES" --out "$SCRATCH/out" -- --partition=x --dry-run
    [ "$status" -eq 0 ]
    [[ "$output" == *"job DRY1"* ]]
    grep -q -- '--partition=x .*strong.sbatch$' <<<"$output"
    if grep -q -- 'dry-run' <<<"$(grep '^sbatch' <<<"$output")"; then echo "--dry-run reached sbatch"; return 1; fi
    [ ! -e "$SCRATCH/sbatch.log" ] && [ ! -e "$SCRATCH/out" ]
}

@test "the sweep helpers: numbers, node CPU lists, the default workers" {
    # shellcheck source-path=SCRIPTDIR source=../../jobs/common.sh
    source "$JOBS/common.sh"
    [ "$(pj_int 1e10)" = 10000000000 ]
    [ "$(pj_int 2^40)" = 1099511627776 ]
    [ "$(pj_int 10^12)" = 1000000000000 ]
    [ "$(pj_int 1_000_000)" = 1000000 ]
    [ "$(pj_int 9223372036854775807)" = 9223372036854775807 ]
    run ! pj_int 9223372036854775808
    run ! pj_int 2^63
    run ! pj_int 1e19
    run ! pj_int 12abc
    [ "$(pj_min_cpus '64(x3),48')" = 48 ]
    [ "$(pj_min_cpus '8')" = 8 ]
    [ "$(pj_powers_up_to 1)" = 1 ]
    [ "$(pj_powers_up_to 8)" = "1 2 4 8" ]
    [ "$(pj_powers_up_to 48)" = "1 2 4 8 16 32 48" ]
}
