# shellcheck shell=bash
# common.sh: what the study scripts of jobs/ share (sourced by strong.sbatch, weak.sbatch, hybrid.sbatch;
# not a job itself): the shared parameters and their defaults, the checks before the first point, one
# sweep point launched with srun or mpirun, and the summary at the end. Each script documents every
# parameter at its top.

# The scripts' shared helpers: JSON strings, and the facts primes --list gives about its models.
# shellcheck source=../scripts/lib.sh disable=SC1091
source "${PRIMES_ROOT:-$(dirname "${BASH_SOURCE[0]}")/..}/scripts/lib.sh"

# Shared parameters: (environment or sbatch --export) -> default.
pj_defaults() {
    : "${PRIMES:=$(lib_default_primes "$PRIMES_ROOT")}"
    : "${PRIMES_KERNEL:=count}"
    : "${PRIMES_METHOD:=sieve}"
    : "${PRIMES_REPEAT:=3}"
    : "${PRIMES_WARMUP:=1}"
    : "${PRIMES_OUT:=${SLURM_SUBMIT_DIR:-$PWD}/results/cluster}"
    : "${PRIMES_LAUNCHER:=srun}"
    : "${PRIMES_SRUN_MPI:=}"
    : "${PRIMES_MPIEXEC:=}"
    : "${PRIMES_CPU_BIND:=cores}"
    : "${PRIMES_VERIFY:=1}"
    : "${PRIMES_SCHEDULE:=}"
    : "${PRIMES_ARGS:=}"
    : "${PRIMES_CORES_PER_NODE:=}"
    : "${PRIMES_ITEMS_FOR:=}"
}

pj_log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
pj_die() {
    printf 'primes job %s: error: %s\n' "${SLURM_JOB_ID:-?}" "$*" >&2
    exit 2
}

# pj_int NUMBER: NUMBER (1000000, 1_000_000, 1e9, 10^12, 2^40) as a plain integer; status 1 if it is not
# one of these forms or does not fit in 63 bits.
pj_int() {
    local v=${1//_/} base exp r=1 i
    if [[ "$v" =~ ^[0-9]+$ ]]; then
        v=${v#"${v%%[!0]*}"}
        [[ -n "$v" ]] || v=0
        if ((${#v} == 19)); then # at most 2^63 - 1 = 9223372036854775807
            local head=$((10#${v:0:18})) last=${v:18}
            ((head < 922337203685477580 || (head == 922337203685477580 && last <= 7))) || return 1
        fi
        ((${#v} <= 19)) || return 1
        echo "$v"
        return 0
    elif [[ "$v" =~ ^([0-9]+)[eE]([0-9]+)$ ]]; then
        base=$((10#${BASH_REMATCH[1]})) exp=$((10#${BASH_REMATCH[2]})) r=$base
        for ((i = 0; i < exp; i++)); do
            ((r <= 922337203685477580)) || return 1
            r=$((r * 10))
        done
    elif [[ "$v" =~ ^([0-9]+)\^([0-9]+)$ ]]; then
        base=$((10#${BASH_REMATCH[1]})) exp=$((10#${BASH_REMATCH[2]}))
        for ((i = 0; i < exp; i++)); do
            ((base == 0 || r <= 9223372036854775807 / base)) || return 1
            r=$((r * base))
        done
    else
        return 1
    fi
    echo "$r"
}

# pj_min_cpus "2(x3),4": the fewest CPUs any node of the allocation has (SLURM_JOB_CPUS_PER_NODE format).
pj_min_cpus() {
    local entry min=0 c
    local -a entries
    IFS=, read -ra entries <<<"$1"
    for entry in "${entries[@]}"; do
        c=${entry%%(*}
        [[ "$c" =~ ^[0-9]+$ ]] || continue
        ((min == 0 || c < min)) && min=$c
    done
    echo "$min"
}

# pj_powers_up_to C: 1 2 4 ... up to C, and C itself when it is not a power of two.
pj_powers_up_to() {
    local c=$1 p=1 out=()
    while ((p <= c)); do
        out+=("$p")
        p=$((p * 2))
    done
    ((out[${#out[@]} - 1] == c)) || out+=("$c")
    echo "${out[*]}"
}

# pj_setup KIND: checks and facts before the first point. Sets PJ_NODES, PJ_CORES (cores per node),
# PJ_CPUS_PER_CORE, PJ_CSV, PJ_EXTRA, and the handlers for the end of the job.
pj_setup() {
    PJ_KIND=$1
    [[ -n "${SLURM_JOB_ID:-}" ]] || pj_die "not inside a Slurm job: submit it with sbatch (or jobs/submit.sh)"
    pj_defaults
    case "$PRIMES_LAUNCHER" in srun | mpirun) ;; *) pj_die "PRIMES_LAUNCHER=$PRIMES_LAUNCHER (allowed: srun, mpirun)" ;; esac
    [[ "$PRIMES_REPEAT" =~ ^[1-9][0-9]*$ ]] || pj_die "PRIMES_REPEAT=$PRIMES_REPEAT (allowed: 1, 2, ...)"
    [[ "$PRIMES_WARMUP" =~ ^[0-9]+$ ]] || pj_die "PRIMES_WARMUP=$PRIMES_WARMUP (allowed: 0, 1, ...)"
    [[ "$PRIMES_VERIFY" == [01] ]] || pj_die "PRIMES_VERIFY=$PRIMES_VERIFY (allowed: 0, 1)"
    [[ -z "$PRIMES_ITEMS_FOR" || "$PRIMES_ITEMS_FOR" =~ ^[1-9][0-9]{0,7}$ ]] ||
        pj_die "PRIMES_ITEMS_FOR=$PRIMES_ITEMS_FOR (allowed: a worker count, 1, 2, ...)"
    read -ra PJ_EXTRA <<<"$PRIMES_ARGS"
    [[ -f "$PRIMES" && -x "$PRIMES" ]] ||
        pj_die "PRIMES=$PRIMES is not an executable file: build it (make) where the compute nodes see it"

    # The launcher speaks the binary's MPI: Open MPI meets its ranks through PMIx (srun --mpi=pmix,
    # mpirun), MPICH through PMI-2 (srun --mpi=pmi2) or its own Hydra (mpiexec.mpich).
    PJ_MPI=$(lib_mpi_library "$PRIMES")
    if [[ -z "$PRIMES_SRUN_MPI" ]]; then
        if [[ "$PJ_MPI" == mpich ]]; then PRIMES_SRUN_MPI=pmi2; else PRIMES_SRUN_MPI=pmix; fi
    fi
    if [[ -z "$PRIMES_MPIEXEC" ]]; then
        PRIMES_MPIEXEC=mpirun
        if [[ "$PJ_MPI" == mpich ]]; then
            PRIMES_MPIEXEC=mpiexec
            command -v mpiexec.mpich >/dev/null 2>&1 && PRIMES_MPIEXEC=mpiexec.mpich
        fi
    fi

    PJ_NODES=${SLURM_JOB_NUM_NODES:-${SLURM_NNODES:-1}}
    local cpus tpc
    cpus=$(pj_min_cpus "${SLURM_JOB_CPUS_PER_NODE:-1}")
    tpc=$(scontrol show node "${SLURMD_NODENAME:-$(hostname -s)}" 2>/dev/null |
        sed -n 's/.*ThreadsPerCore=\([0-9]*\).*/\1/p' | head -n 1)
    [[ "$tpc" =~ ^[1-9][0-9]*$ ]] || tpc=1
    PJ_CPUS_PER_CORE=$tpc
    if [[ -n "$PRIMES_CORES_PER_NODE" ]]; then
        [[ "$PRIMES_CORES_PER_NODE" =~ ^[1-9][0-9]*$ ]] || pj_die "PRIMES_CORES_PER_NODE=$PRIMES_CORES_PER_NODE"
        PJ_CORES=$PRIMES_CORES_PER_NODE
    else
        PJ_CORES=$((cpus / tpc))
        ((PJ_CORES >= 1)) || PJ_CORES=1
    fi

    mkdir -p "$PRIMES_OUT" || pj_die "cannot create PRIMES_OUT=$PRIMES_OUT"
    [[ -w "$PRIMES_OUT" ]] || pj_die "PRIMES_OUT=$PRIMES_OUT is not writable"
    local tag=$SLURM_JOB_ID
    [[ -n "${SLURM_ARRAY_TASK_ID:-}" ]] && tag="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
    # One file per job: no two jobs ever write the same file (and primes appends whole rows under flock).
    PJ_CSV="$PRIMES_OUT/runs-$PJ_KIND-$tag.csv"

    if [[ "$PRIMES_LAUNCHER" == srun ]]; then
        local plugins
        plugins=$(srun --mpi=list 2>&1 || true)
        grep -qw -- "$PRIMES_SRUN_MPI" <<<"$plugins" ||
            pj_die "this Slurm has no 'srun --mpi=$PRIMES_SRUN_MPI' (srun --mpi=list: $(tr -s '\n\t ' ' ' <<<"$plugins"));" \
                "set PRIMES_SRUN_MPI to the one your MPI library speaks, or PRIMES_LAUNCHER=mpirun"
    else
        command -v "$PRIMES_MPIEXEC" >/dev/null 2>&1 ||
            pj_die "PRIMES_LAUNCHER=mpirun but no $PRIMES_MPIEXEC on PATH for this $PJ_MPI build (module load $PJ_MPI?)"
        # OpenMPI refuses root unless told; ranks started by srun need nothing.
        [[ $(id -u) -ne 0 ]] || export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi

    # The binary must start on every node: a build for another CPU (-march=native on a login node of a
    # newer generation) dies of SIGILL here, missing libraries (modules not loaded) with status 127.
    local out status=0
    out=$(srun --mpi=none --nodes="$PJ_NODES" --ntasks="$PJ_NODES" --ntasks-per-node=1 "$PRIMES" --version 2>&1) ||
        status=$?
    if [[ $status -ne 0 ]]; then
        if [[ "$out" == *"Illegal instruction"* || $status -eq 132 ]]; then
            pj_die "$PRIMES dies of 'Illegal instruction' on a compute node: it was built for another CPU." \
                "Rebuild for the compute nodes: make clean && make ARCH=-march=<their CPU> (or ARCH=-march=x86-64-v3," \
                "or build on a compute node: srun make). srun said: $out"
        elif [[ "$out" == *"shared librar"* || $status -eq 127 ]]; then
            pj_die "$PRIMES cannot start on a compute node: libraries missing. Load the modules you built with" \
                "(e.g. module load gcc openmpi gmp gsl) before sbatch. srun said: $out"
        fi
        pj_die "$PRIMES --version failed on the nodes (status $status): $out"
    fi

    PJ_POINT=0
    PJ_FAILED=()
    PJ_PLAN=()
    trap 'pj_stopped TERM' TERM
    trap 'pj_stopped INT' INT
    trap 'pj_stopped USR1' USR1
}

# pj_plan MODEL RANKS_PER_NODE THREADS N: adds a point to the sweep (run later by pj_run_plan).
pj_plan() {
    PJ_PLAN+=("$*")
}

pj_show_setup() {
    pj_log "primes $PJ_KIND study, job $SLURM_JOB_ID on $PJ_NODES node(s) ${SLURM_JOB_NODELIST:-}:" \
        "$PJ_CORES cores per node ($PJ_CPUS_PER_CORE CPU(s) per core)"
    pj_log "binary $PRIMES ($("$PRIMES" --version 2>/dev/null || echo '?'))"
    local launcher=$PRIMES_LAUNCHER
    if [[ "$launcher" == srun ]]; then launcher+=" --mpi=$PRIMES_SRUN_MPI"; else launcher+=" ($PRIMES_MPIEXEC)"; fi
    launcher+=", MPI library $PJ_MPI"
    pj_log "kernel $PRIMES_KERNEL by $PRIMES_METHOD, $PRIMES_REPEAT repetition(s) after $PRIMES_WARMUP warm-up," \
        "verify=$PRIMES_VERIFY, launcher $launcher, cpu-bind $PRIMES_CPU_BIND"
    pj_log "rows -> $PJ_CSV"
    pj_log "every point's items cut for $PJ_ITEMS_FOR workers (primes --items-for)"
    pj_log "${#PJ_PLAN[@]} point(s): model ranks-per-node threads n"
    local p
    for p in "${PJ_PLAN[@]}"; do pj_log "  $p"; done
}

# pj_point ROUND MODEL RANKS_PER_NODE THREADS N: one timed run of a point on every node of the allocation
# (one row), in a process of its own after PRIMES_WARMUP untimed runs inside it. pj_run_plan runs every
# point once per round, PRIMES_REPEAT rounds, as scripts/study.sh does locally: drift of the nodes spreads
# over the points instead of landing on one point's repetitions.
pj_point() {
    local round=$1 model=$2 rpn=$3 threads=$4 n=$5
    local ranks=$((PJ_NODES * rpn))
    local -a args=("$PRIMES" "$PRIMES_KERNEL" -n "$n" --method "$PRIMES_METHOD" -m "$model" -t "$threads"
        -r 1 --warmup "$PRIMES_WARMUP" --csv "$PJ_CSV" -q)
    [[ "$PRIMES_VERIFY" == 1 ]] && args+=(--verify)
    [[ -n "$PRIMES_SCHEDULE" ]] && args+=(-s "$PRIMES_SCHEDULE")
    # every point's items cut for the study's largest point, unless the schedule names a chunk
    [[ "$PRIMES_SCHEDULE" == *,* ]] || args+=(--items-for "$PJ_ITEMS_FOR")
    args+=("${PJ_EXTRA[@]}")
    # Threads fill their own cores, next to each other: the settings the hybrid pitfall is about.
    export OMP_NUM_THREADS=$threads OMP_PLACES=cores OMP_PROC_BIND=close
    local -a cmd
    if [[ "$PRIMES_LAUNCHER" == srun ]]; then
        cmd=(srun --mpi="$PRIMES_SRUN_MPI" --nodes="$PJ_NODES" --ntasks="$ranks" --ntasks-per-node="$rpn"
            --cpus-per-task="$((threads * PJ_CPUS_PER_CORE))" --cpu-bind="$PRIMES_CPU_BIND" --kill-on-bad-exit=1)
    elif [[ "$PJ_MPI" == mpich ]]; then
        # Hydra: rpn ranks a node, each bound to its T cores; it hands the ranks the whole environment
        cmd=("$PRIMES_MPIEXEC" -n "$ranks" -ppn "$rpn" -bind-to "core:$threads")
        [[ "$PRIMES_CPU_BIND" == *verbose* ]] && cmd+=(-verbose)
    else
        cmd=("$PRIMES_MPIEXEC" -np "$ranks" --map-by "ppr:$rpn:node:PE=$threads" --bind-to core
            -x OMP_NUM_THREADS -x OMP_PLACES -x OMP_PROC_BIND)
        [[ "$PRIMES_CPU_BIND" == *verbose* ]] && cmd+=(--report-bindings)
    fi
    PJ_POINT=$((PJ_POINT + 1))
    local label="run $PJ_POINT/$((${#PJ_PLAN[@]} * PRIMES_REPEAT)) (round $round/$PRIMES_REPEAT): $model,"
    label+=" $PJ_NODES node(s) x $rpn rank(s) x $threads thread(s), n=$n"
    pj_log "$label"
    pj_log "  OMP_NUM_THREADS=$threads OMP_PLACES=cores OMP_PROC_BIND=close$(printf ' %q' "${cmd[@]}" "${args[@]}")"
    local start=$SECONDS status=0
    "${cmd[@]}" "${args[@]}" || status=$?
    if [[ $status -eq 0 ]]; then
        pj_log "  done in $((SECONDS - start)) s"
    else
        pj_log "  FAILED with status $status after $((SECONDS - start)) s"
        PJ_FAILED+=("$label (status $status)")
    fi
}

pj_run_plan() {
    # the workers every point's items are cut for: the submission's largest point, else this job's
    PJ_ITEMS_FOR=${PRIMES_ITEMS_FOR:-1}
    local p model rpn threads n
    for p in "${PJ_PLAN[@]}"; do
        read -r model rpn threads n <<<"$p"
        [[ -n "$PRIMES_ITEMS_FOR" ]] || ((PJ_NODES * rpn * threads <= PJ_ITEMS_FOR)) ||
            PJ_ITEMS_FOR=$((PJ_NODES * rpn * threads))
    done
    pj_show_setup
    local round count=${#PJ_PLAN[@]} i
    for ((round = 1; round <= PRIMES_REPEAT; round++)); do
        # round-robin, the order rotated each round (scripts/study.sh's interleaving)
        for ((i = 0; i < count; i++)); do
            p=${PJ_PLAN[$(((i + round - 1) % count))]}
            # shellcheck disable=SC2086 # a plan entry is four words
            pj_point "$round" $p
        done
    done
    pj_finish
}

# pj_stopped SIGNAL: Slurm ends the job (time limit, scancel, preemption): the rows of every repetition
# that finished are in the file, whole; the one running is lost.
pj_stopped() {
    trap - TERM INT USR1
    pj_log "stopped by SIG$1 (time limit, scancel or preemption) during run $PJ_POINT of $((${#PJ_PLAN[@]} * PRIMES_REPEAT));" \
        "$PJ_CSV keeps the complete rows of the repetitions that finished"
    exit 143
}

pj_finish() {
    local rows=0
    [[ -f "$PJ_CSV" ]] && rows=$(($(wc -l <"$PJ_CSV") - 1))
    if [[ ${#PJ_FAILED[@]} -gt 0 ]]; then
        pj_log "${#PJ_FAILED[@]} of ${#PJ_PLAN[@]} point(s) failed:"
        local f
        for f in "${PJ_FAILED[@]}"; do pj_log "  $f"; done
        pj_log "$rows row(s) in $PJ_CSV"
        exit 1
    fi
    pj_log "all ${#PJ_PLAN[@]} point(s) done: $rows row(s) in $PJ_CSV"
    pj_note_disturbed
}

# pj_note_disturbed: how many rows primes judged disturbed (another job's processes on the nodes, or
# descheduled workers); primes analyze leaves them out.
pj_note_disturbed() {
    [[ -f "$PJ_CSV" ]] || return 0
    local n
    n=$(lib_disturbed_rows "$PJ_CSV")
    [[ "$n" == 0 ]] ||
        pj_log "disturbed: $n row(s) got less of their nodes than they asked (other processes, or descheduled" \
            "workers); primes analyze leaves them out: resubmit for more undisturbed rows"
}

# pj_weak_n N WORKERS: the n of a weak-scaling point: WORKERS times the work of [0, N), by the kernel's
# work rule (primes analyze --weak-size: count's work grows as n ln ln n); n = N x WORKERS with a primes
# that cannot tell.
pj_weak_n() {
    local base=$1 workers=$2 out
    if "$PRIMES" analyze --weak-size 1000 --kernel "$PRIMES_KERNEL" --method "$PRIMES_METHOD" --workers 1 \
        >/dev/null 2>&1; then
        out=$("$PRIMES" analyze --weak-size "$base" --kernel "$PRIMES_KERNEL" --method "$PRIMES_METHOD" \
            --workers "$workers" 2>&1) || pj_die "PRIMES_N=$base for $workers workers: $out"
        echo "$out"
        return 0
    fi
    out=$((base * workers))
    ((out / workers == base)) || pj_die "PRIMES_N=$base x $workers workers does not fit in 63 bits"
    echo "$out"
}

# pj_models_points KIND MODELS WORKERS N: the strong and weak sweeps: for each model and each count of
# workers per node W: mpi runs W ranks per node, hybrid one rank per node with W threads; omp, pthreads
# and fork (one process, W workers) and serial (W = 1) run only when the allocation has one node. For the
# weak sweep, N is the 1-worker size and a point of W workers per node does nodes x W times its work.
pj_models_points() {
    local kind=$1 models=$2 workers=$3 n=$4 model w point_n total
    local -a model_list worker_list
    read -ra model_list <<<"$models"
    read -ra worker_list <<<"$workers"
    for model in "${model_list[@]}"; do
        for w in "${worker_list[@]}"; do
            [[ "$w" =~ ^[1-9][0-9]*$ ]] || pj_die "PRIMES_WORKERS_PER_NODE: '$w' is not a count"
            total=$((PJ_NODES * w))
            point_n=$n
            if [[ "$kind" == weak ]]; then
                point_n=$(pj_weak_n "$n" "$total") || exit 2
            fi
            # what each model is, from primes --list (scripts/lib.sh): mpi runs W ranks a node, hybrid one
            # rank a node with W threads, a one-process model W threads on one node, serial 1 worker
            lib_listed "$PRIMES" models | grep -qx -- "$model" ||
                pj_die "PRIMES_MODELS: unknown model '$model' (allowed: $(lib_listed "$PRIMES" models | xargs))"
            if lib_has_fact "$PRIMES" models "$model" mpi; then
                if lib_has_fact "$PRIMES" models "$model" "one thread"; then
                    pj_plan "$model" "$w" 1 "$point_n"
                else
                    pj_plan "$model" 1 "$w" "$point_n"
                fi
                continue
            fi
            if ((PJ_NODES > 1)); then
                pj_log "skipping $model: it runs in one process, this allocation has $PJ_NODES nodes"
                break
            fi
            if lib_has_fact "$PRIMES" models "$model" "one thread"; then
                if ((w == 1)); then pj_plan "$model" 1 1 "$point_n"; fi
            else
                pj_plan "$model" 1 "$w" "$point_n"
            fi
        done
    done
}
