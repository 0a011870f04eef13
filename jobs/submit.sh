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
  --primes PATH       the binary (default: PRIMES, else the primes next to jobs/)
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

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
nodes_list=1 study_list=strong out="" time_limit="" analysis_time="" analysis=1 dry=0 primes="${PRIMES:-}"
sbatch_extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --nodes) nodes_list=${2:?--nodes needs a list}; shift 2 ;;
        --study | --studies) study_list=${2:?--study needs a list}; shift 2 ;;
        --out) out=${2:?--out needs a folder}; shift 2 ;;
        --kernel) export PRIMES_KERNEL=${2:?--kernel needs a kernel}; shift 2 ;;
        -n | --n) export PRIMES_N=${2:?-n needs a number}; shift 2 ;;
        --models) export PRIMES_MODELS=${2:?--models needs a list}; shift 2 ;;
        --repeat) export PRIMES_REPEAT=${2:?--repeat needs a count}; shift 2 ;;
        --combos) export PRIMES_COMBOS=${2:?--combos needs a list}; shift 2 ;;
        --launcher) export PRIMES_LAUNCHER=${2:?--launcher needs srun or mpirun}; shift 2 ;;
        --primes) primes=${2:?--primes needs a path}; shift 2 ;;
        --time) time_limit=${2:?--time needs a limit}; shift 2 ;;
        --analysis-time) analysis_time=${2:?--analysis-time needs a limit}; shift 2 ;;
        --no-analysis) analysis=0; shift ;;
        --dry-run) dry=1; shift ;;
        --) shift; sbatch_extra=("$@"); break ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
done

IFS=, read -ra node_counts <<<"$nodes_list"
IFS=, read -ra studies <<<"$study_list"
[[ ${#node_counts[@]} -gt 0 ]] || die "--nodes: empty list"
for n in "${node_counts[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "--nodes: '$n' is not a node count"
done
for s in "${studies[@]}"; do
    [[ -f "$here/$s.sbatch" && "$s" != analyze ]] || die "--study: '$s' (allowed: strong, weak, hybrid)"
done
case "${PRIMES_LAUNCHER:-srun}" in srun | mpirun) ;; *) die "--launcher: '$PRIMES_LAUNCHER' (allowed: srun, mpirun)" ;; esac

# The binary: absolute, so every job finds it whatever its working directory. It is not run here: a build
# for the compute nodes' CPU may not run on the login node (the jobs check it on every node).
[[ -n "$primes" ]] || primes="$root/primes"
[[ "$primes" == /* ]] || primes="$PWD/$primes"
[[ -f "$primes" && -x "$primes" ]] || die "no executable primes at $primes: build it first (make; see docs/cluster.md)"

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
