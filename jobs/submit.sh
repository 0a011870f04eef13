#!/usr/bin/env bash
# submit.sh: submits a scaling study to Slurm: one job per node count and study (each sweeps its points
# inside its own allocation), then one analysis job that waits for all of them (afterok) and runs
# `primes analyze` and the plots over their rows. Every job writes into one results folder.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: jobs/submit.sh [OPTIONS] [-- SBATCH_OPTION...]

  --nodes LIST        node counts, comma separated: one job each (default: 1)      e.g. --nodes 1,2,4,8
  --study LIST        strong | weak | hybrid, comma separated (default: strong)
  --out DIR           results folder (default: ./results/cluster-YYYYmmdd-HHMMSS); must be on a file
                      system the compute nodes share
  --kernel K          PRIMES_KERNEL          -n, --n N           PRIMES_N (per worker for weak)
  --models "M ..."    PRIMES_MODELS          --repeat R          PRIMES_REPEAT
  --combos "RxT ..."  PRIMES_COMBOS (hybrid) --launcher L        PRIMES_LAUNCHER: srun (default) | mpirun
  --primes PATH       the binary (default: PRIMES, else the checkout's or the installed primes)
  --time T            time limit of each study job (default: the script's, 01:00:00)
  --analysis-time T   time limit of the analysis job (default: the script's, 00:15:00)
  --no-analysis       no analysis job
  --dry-run           print the sbatch commands instead of running them (job ids shown as DRY1, DRY2, ...)
  -h, --help          this text
  -- SBATCH_OPTION    passed to every sbatch, e.g. -- --partition=compute --account=proj42

Any other PRIMES_* parameter of the job scripts (see jobs/strong.sbatch --help) is taken from the
environment: PRIMES_WORKERS_PER_NODE="1 4 16" jobs/submit.sh --nodes 2,4
Prints the job ids and where the results land; writes DIR/submitted.txt.
Results: DIR/runs-STUDY-JOBID.csv (rows), DIR/STUDY-nN-JOBID.out (logs), DIR/summary-STUDY.csv and
DIR/plots/STUDY/ (analysis), DIR/analysis-JOBID.txt (what the analysis waited on and did).
EOF
}

die() {
    echo "submit.sh: $*" >&2
    exit 2
}

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)" # installed: bin/primes-submit links here
root="$(cd "$here/.." && pwd)"
# shellcheck source=../scripts/lib.sh disable=SC1091
source "$root/scripts/lib.sh"
nodes_list=1 study_list=strong out="" time_limit="" analysis_time="" analysis=1 dry=0 primes="${PRIMES:-}"
sbatch_extra=()
while [[ $# -gt 0 ]]; do
    opt="$1"
    case "$opt" in
        -h | --help) usage; exit 0 ;;
        --no-analysis) analysis=0; shift; continue ;;
        --dry-run) dry=1; shift; continue ;;
        --) shift; sbatch_extra=("$@"); break ;;
    esac
    # an unknown option is named as such even when it comes last; a known one then needs its value
    value="${2-}" has_value=$(($# >= 2))
    case "$opt" in
        --nodes) nodes_list=$value ;;
        --study | --studies) study_list=$value ;;
        --out) out=$value ;;
        --kernel) export PRIMES_KERNEL=$value ;;
        -n | --n) export PRIMES_N=$value ;;
        --models) export PRIMES_MODELS=$value ;;
        --repeat) export PRIMES_REPEAT=$value ;;
        --combos) export PRIMES_COMBOS=$value ;;
        --launcher) export PRIMES_LAUNCHER=$value ;;
        --primes) primes=$value ;;
        --time) time_limit=$value ;;
        --analysis-time) analysis_time=$value ;;
        *) die "unknown option '$opt' (allowed: see --help)" ;;
    esac
    ((has_value)) || die "$opt needs a value (allowed: see --help)"
    shift 2
done
# sbatch has no --dry-run (its own is --test-only): one given after -- means this script's
for i in "${!sbatch_extra[@]}"; do
    if [[ "${sbatch_extra[$i]}" == --dry-run ]]; then
        dry=1
        unset 'sbatch_extra[i]'
    fi
done
sbatch_extra=("${sbatch_extra[@]}")

IFS=, read -ra node_counts <<<"$nodes_list"
IFS=, read -ra studies <<<"$study_list"
[[ ${#node_counts[@]} -gt 0 ]] || die "--nodes: empty list (allowed: node counts, comma separated, such as 1,2,4)"
for n in "${node_counts[@]}"; do
    lib_is_count "$n" 1 100000 || die "--nodes: '$n' is not a node count (allowed: whole numbers 1 .. 100000)"
done
for s in "${studies[@]}"; do
    [[ -f "$here/$s.sbatch" && "$s" != analyze ]] || die "--study: '$s' (allowed: strong, weak, hybrid)"
done
case "${PRIMES_LAUNCHER:-srun}" in srun | mpirun) ;; *) die "--launcher: '$PRIMES_LAUNCHER' (allowed: srun, mpirun)" ;; esac
# Slurm's --time forms (sbatch(1)); a limit sbatch would refuse is refused here, before any job is sent.
slurm_time='^([0-9]{1,7}|[0-9]{1,7}:[0-9]{1,2}|[0-9]{1,7}:[0-9]{1,2}:[0-9]{1,2}|[0-9]{1,4}-[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2})?)?|UNLIMITED|INFINITE|unlimited|infinite)$'
for pair in "--time:$time_limit" "--analysis-time:$analysis_time"; do
    v=${pair#*:}
    [[ -z "$v" || "$v" =~ $slurm_time ]] ||
        die "${pair%%:*}: '$v' is not a Slurm time limit (allowed: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, UNLIMITED)"
done
read -ra combo_words <<<"${PRIMES_COMBOS:-}"
for combo in "${combo_words[@]}"; do
    [[ "$combo" =~ ^[1-9][0-9]{0,5}x[1-9][0-9]{0,5}$ ]] ||
        die "--combos: '$combo' is not RANKSxTHREADS (allowed: such as \"1x8 2x4 8x1\", ranks per node x threads)"
done
[[ -z "${PRIMES_REPEAT:-}" ]] || lib_is_count "$PRIMES_REPEAT" 1 1000 ||
    die "--repeat: '$PRIMES_REPEAT' is not allowed (allowed: a whole number 1 .. 1000)"

# The binary: absolute, so every job finds it whatever its working directory.
[[ -n "$primes" ]] || primes=$(lib_default_primes "$root")
[[ "$primes" == /* ]] || primes="$PWD/$primes"
[[ -f "$primes" && -x "$primes" ]] || die "no executable primes at $primes: build it first (make; see docs/cluster.md)"

# What the jobs will hand primes is checked by primes itself (--list, --check) when it starts here; a
# build for the compute nodes' CPU may not run on the login node, and then the jobs check it on every
# node before their first point.
if "$primes" --version >/dev/null 2>&1; then
    kernel=${PRIMES_KERNEL:-count}
    lib_listed "$primes" kernels | grep -qx -- "$kernel" ||
        die "--kernel: '$kernel' is not a kernel of $primes (allowed: $(lib_listed "$primes" kernels | paste -sd, - | sed 's/,/, /g'))"
    read -ra model_words <<<"${PRIMES_MODELS:-mpi hybrid}"
    [[ ${#model_words[@]} -gt 0 ]] || die "--models: empty (allowed: $(lib_listed "$primes" models | xargs))"
    read -ra extra_args <<<"${PRIMES_ARGS:-}"
    for model in "${model_words[@]}"; do
        lib_listed "$primes" models | grep -qx -- "$model" ||
            die "--models: '$model' is not a model of $primes (allowed: $(lib_listed "$primes" models | paste -sd, - | sed 's/,/, /g'))"
    done
    # each study's points as its job will run them: its n (the jobs' defaults: 1e11, weak 1e10 per worker)
    for s in "${studies[@]}"; do
        n=${PRIMES_N:-1e11}
        [[ "$s" != weak ]] || n=${PRIMES_N:-1e10}
        for model in "${model_words[@]}"; do
            words=("$kernel" -n "$n" -m "$model" -r 1 --warmup "${PRIMES_WARMUP:-1}" --method "${PRIMES_METHOD:-sieve}")
            [[ -z "${PRIMES_SCHEDULE:-}" ]] || words+=(-s "$PRIMES_SCHEDULE")
            [[ -z "${PRIMES_ITEMS_FOR:-}" || "${PRIMES_SCHEDULE:-}" == *,* ]] || words+=(--items-for "$PRIMES_ITEMS_FOR")
            [[ "${PRIMES_VERIFY:-1}" != 1 ]] || words+=(--verify)
            source_of_n="by default"
            [[ -z "${PRIMES_N:-}" ]] || source_of_n="from -n"
            why=$(lib_primes_check env -u OMP_NUM_THREADS "$primes" "${words[@]}" "${extra_args[@]}") ||
                die "$s study, $model (n $n $source_of_n): $why"
        done
    done
else
    echo "note: $primes does not start here (a build for the compute nodes?): the jobs check its parameters on the nodes"
fi

[[ -n "$out" ]] || out="results/cluster-$(date +%Y%m%d-%H%M%S)"
[[ "$out" == /* ]] || out="$PWD/$out"
if [[ $dry -eq 0 ]]; then
    mkdir -p "$out" || die "cannot create $out"
    command -v sbatch >/dev/null 2>&1 || die "no sbatch on PATH: run this on the cluster's login node"
fi
export PRIMES_ROOT="$root" PRIMES="$primes" PRIMES_OUT="$out"
# Every job cuts its points' items for the largest point of the whole submission (primes --items-for), so
# the points of all node counts run the same items: the most nodes times the cores of a node (given, or
# the largest the partition's nodes have).
if [[ -z "${PRIMES_ITEMS_FOR:-}" ]]; then
    cores=${PRIMES_CORES_PER_NODE:-}
    if [[ -z "$cores" ]] && command -v sinfo >/dev/null 2>&1; then
        cores=$({ sinfo -h -o %c 2>/dev/null || true; } | tr -dc '0-9\n' | sort -n | tail -n 1)
    fi
    most=0
    for n in "${node_counts[@]}"; do ((n <= most)) || most=$n; done
    [[ -z "$cores" ]] || export PRIMES_ITEMS_FOR=$((most * cores))
fi
if [[ $dry -eq 1 ]]; then
    echo "environment of the jobs (sbatch passes it on):"
    env | grep '^PRIMES_' | sort | sed 's/^/  /'
fi

# submit ARGS...: sbatch --parsable ARGS; the job id lands in $job (a dry run prints the command and
# makes up DRY1, DRY2, ...).
dry_count=0
job=""
ids=()
submit() {
    if [[ $dry -eq 1 ]]; then
        dry_count=$((dry_count + 1))
        job="DRY$dry_count"
        printf 'sbatch'
        printf ' %q' "$@"
        printf '\n'
        return
    fi
    if ! job=$(sbatch --parsable "$@"); then
        # Half a study is worse than none: what was submitted so far goes too.
        if [[ ${#ids[@]} -gt 0 ]]; then
            scancel "${ids[@]}" || true
            die "sbatch failed (above): sbatch $*; cancelled the jobs already submitted: ${ids[*]}"
        fi
        die "sbatch failed (above): sbatch $*"
    fi
    job=${job%%;*}
}

log=()
for s in "${studies[@]}"; do
    for n in "${node_counts[@]}"; do
        args=(--nodes="$n" --job-name="primes-$s-n$n" --output="$out/$s-n$n-%j.out")
        [[ -n "$time_limit" ]] && args+=(--time="$time_limit")
        submit "${args[@]}" "${sbatch_extra[@]}" "$here/$s.sbatch"
        ids+=("$job")
        log+=("$s nodes=$n job=$job")
        echo "submitted $s on $n node(s): job $job"
    done
done

all=("${ids[@]}")
if [[ $analysis -eq 1 ]]; then
    export PRIMES_AFTER="${ids[*]}"
    args=(--job-name=primes-analyze --output="$out/analyze-%j.out")
    [[ -n "$analysis_time" ]] && args+=(--time="$analysis_time")
    submit "${args[@]}" --dependency="afterok:$(IFS=:; echo "${ids[*]}")" --kill-on-invalid-dep=yes \
        "${sbatch_extra[@]}" "$here/analyze.sbatch"
    all+=("$job")
    log+=("analyze after=${ids[*]} job=$job")
    echo "submitted the analysis, after ${ids[*]}: job $job"
fi

if [[ $dry -eq 0 ]]; then
    {
        echo "# jobs/submit.sh $(date +%Y-%m-%dT%H:%M:%S%z) from $(hostname); binary $primes"
        env | grep '^PRIMES_' | sort
        printf '%s\n' "${log[@]}"
    } >>"$out/submitted.txt"
fi
echo "results: $out (rows runs-*.csv, logs *.out, then summary-*.csv and plots/)"
echo "watch:   squeue -j $(IFS=,; echo "${all[*]}")"
