#!/usr/bin/env bash
# study.sh: runs a scaling study with primes: kernels x methods x models x worker counts x repetitions,
# interleaved round-robin after untimed warm-up rounds, MPI points under mpirun (srun inside a Slurm
# allocation). Writes DIR/runs.csv (one row per timed run), DIR/traces/, DIR/study.json (what was asked,
# where and with which build), DIR/info.txt and DIR/commands.log. Resumable: points already in runs.csv
# are not run again.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/study.sh [OPTIONS]

Runs a scaling study: every kernel x method x model x worker count, R timed repetitions of each, and
appends one CSV row per timed run to DIR/runs.csv. Runs are interleaved round-robin: round r runs every
configuration once (in an order rotated each round), so drift of the machine spreads evenly over the
configurations; untimed warm-up rounds come first. A study that stops can be resumed with the same
command: the points already in runs.csv are not run again.

what to run:
      --kernels LIST      comma-separated kernels (default: count)
  -n, --size SPEC         N for every kernel, or KERNEL=N,KERNEL=N (defaults: count=1e9, product=1e7,
                          spin=9^9); under --scaling weak, the 1-worker size
      --methods LIST      count/product methods: sieve, trial, naive (default: sieve)
      --models LIST       serial,omp,pthreads,fork,events,mpi,hybrid (default: every model compiled in; mpi and
                          hybrid need mpirun or srun). serial and events (one thread, an event
                          loop) run at 1 worker only
      --workers LIST      worker counts (default: 1 2 4 ... up to --max-workers, and that maximum)
      --max-workers P     (default: the cores this shell may run on, nproc); counts above it are
                          marked oversubscribed (in the plan, study.json and primes analyze)
      --scaling KIND      strong (default: one n for every worker count) or weak (n grows so that each
                          worker keeps the 1-worker work: primes analyze --weak-size, docs/scaling-guide.md)
      --schedule S[,C]    primes --schedule (default: primes' own default)
      --items-for W       cut every point's range into the items of W workers (primes --items-for;
                          default: strong scaling the largest point, so every point runs the same
                          items; weak scaling each point its own workers)
      --hybrid-threads T  threads per rank for hybrid (default: a square split: 1x1 1x2 2x2 2x4 4x4 ...)

how to measure:
      --reps R            timed repetitions per point (default: 5)
      --warmup-rounds K   untimed rounds over every pending configuration first (default: 1)
      --warmup W          untimed runs inside each process before its timed run (default: 0)
      --launcher L        auto (srun inside a Slurm allocation, else mpirun), mpirun or srun
      --mpirun-args ARGS  extra launcher arguments (split on spaces)
      --simulate P        run every point on simulated platform P instead (scripts/simulate.sh run:
                          SimGrid SMPI, the mpi model only; worker counts up to the platform's slots,
                          default 1 2 4 ... all of them; no warm-up rounds unless asked for)
      --smpi PATH         the simulated binary (default: build/smpi/primes)
      --no-trace          no per-run trace files (default: DIR/traces/<point>-round<r>.csv)

where:
      --name NAME         the study directory is results/NAME (default: HOST-YYYYMMDD-SCALING)
      --dir DIR           the study directory itself
      --primes PATH       the binary (default: $PRIMES, else the checkout's ./primes, else the installed one)
      --force             resume even when DIR was measured on another host or with another build
      --remeasure-disturbed  resume counting only the runs primes did not judge disturbed (other
                          processes took the CPUs, or the workers were descheduled): each point gets
                          new runs until R undisturbed ones are recorded (primes analyze leaves the
                          disturbed ones out)
      --dry-run           print the plan and every command; run nothing
  -h, --help              this text

exit status: 0 done, 1 a run failed (see DIR/runs.log and DIR/commands.log), 2 bad usage, 128+N stopped
by signal N (130 Ctrl-C, 143 kill), resumable
EOF
}

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd) # installed: primes-NAME links here
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
source "$repo/scripts/lib.sh"
# shellcheck disable=SC2034 # lib.sh names the script with it
LIB_PROG=study.sh
die_usage() { lib_die_usage "$@"; }
kernels=count
size_spec=""
methods=sieve
models=""
workers_list=""
max_workers=""
scaling=strong
schedule=""
items_for_given=""
hybrid_threads=""
reps=5
warmup_rounds=1
warmup=0
launcher=auto
mpirun_args=""
trace=1
name=""
dir=""
primes="${PRIMES:-$(lib_default_primes "$repo")}"
simulate=""
smpi="${PRIMES_SMPI:-$(lib_default_smpi "$repo")}"
warmup_rounds_given=0
force=0
dry_run=0
remeasure=0
command_line="scripts/study.sh $*"

while [[ $# -gt 0 ]]; do
    opt="$1"
    case "$opt" in
        -h | --help) usage; exit 0 ;;
        --no-trace) trace=0; shift; continue ;;
        --force) force=1; shift; continue ;;
        --dry-run) dry_run=1; shift; continue ;;
        --remeasure-disturbed) remeasure=1; shift; continue ;;
    esac
    # an unknown option is named as such even when it comes last; a known one then needs its value
    value="${2-}" has_value=$(($# >= 2))
    case "$opt" in
        --kernels) kernels="$value" ;;
        -n | --size) size_spec="$value" ;;
        --methods) methods="$value" ;;
        --models) models="$value" ;;
        --workers) workers_list="$value" ;;
        --max-workers) max_workers="$value" ;;
        --scaling) scaling="$value" ;;
        --schedule) schedule="$value" ;;
        --items-for) items_for_given="$value" ;;
        --hybrid-threads) hybrid_threads="$value" ;;
        --reps) reps="$value" ;;
        --warmup-rounds) warmup_rounds="$value" warmup_rounds_given=1 ;;
        --warmup) warmup="$value" ;;
        --launcher) launcher="$value" ;;
        --mpirun-args) mpirun_args="$value" ;;
        --simulate) simulate="$value" ;;
        --smpi) smpi="$value" ;;
        --name) name="$value" ;;
        --dir) dir="$value" ;;
        --primes) primes="$value" ;;
        *) die_usage "unknown option '$opt' (see --help)" ;;
    esac
    ((has_value)) || die_usage "$opt needs a value (see --help)"
    shift 2
done

# is_count VALUE LO HI: a whole number in LO .. HI (lib_is_count); the bounds are what a study can
# sensibly plan (a million workers, a thousand repetitions)
is_count() { lib_is_count "$1" "$2" "$3"; }
max_count=1048576
is_count "$reps" 1 1000 || die_usage "--reps: '$reps' is not allowed (allowed: a whole number 1 .. 1000)"
is_count "$warmup_rounds" 0 100 ||
    die_usage "--warmup-rounds: '$warmup_rounds' is not allowed (allowed: a whole number 0 .. 100)"
is_count "$warmup" 0 1000 || die_usage "--warmup: '$warmup' is not allowed (allowed: a whole number 0 .. 1000)"
reps=$((10#$reps)) warmup_rounds=$((10#$warmup_rounds)) warmup=$((10#$warmup))
[[ "$scaling" == strong || "$scaling" == weak ]] || die_usage "--scaling: '$scaling' is not strong or weak"
[[ -z "$hybrid_threads" ]] || is_count "$hybrid_threads" 1 4096 ||
    die_usage "--hybrid-threads: '$hybrid_threads' is not allowed (allowed: a whole number 1 .. 4096)"
case "$launcher" in auto | mpirun | srun) ;; *) die_usage "--launcher: '$launcher' is not auto, mpirun or srun" ;; esac
[[ -x "$primes" ]] || die_usage "no primes binary at '$primes' (build it with make, or give --primes PATH or PRIMES=PATH)"
primes=$(cd "$(dirname "$primes")" && pwd)/$(basename "$primes")

cores_allowed=$(nproc)
simulated_slots=""
if [[ -n "$simulate" ]]; then
    # the platform is checked by simulate.sh itself (one line, exit 2); its host list says how many
    # ranks it places, and primes judges oversubscription per run from the platform's own cores
    read -r simulated_file simulated_slots < <("$repo/scripts/simulate.sh" platform "$simulate") || exit 2
    [[ -x "$smpi" ]] || die_usage "no simulated binary at '$smpi' (build it with make smpi, or give --smpi PATH)"
    ((warmup_rounds_given)) || warmup_rounds=0
    # without a host list (one rank per host), 64 unless told
    [[ -n "$max_workers" ]] || max_workers=$((simulated_slots > 0 ? simulated_slots : 64))
    cores_allowed=$max_workers
fi
[[ -n "$max_workers" ]] || max_workers="$cores_allowed"
is_count "$max_workers" 1 "$max_count" ||
    die_usage "--max-workers: '$max_workers' is not allowed (allowed: a whole number 1 .. $max_count)"
max_workers=$((10#$max_workers))

split_list() { # split_list TEXT: the comma/space separated items, one a line
    local items=() item
    IFS=', ' read -ra items <<<"$1"
    for item in "${items[@]}"; do
        [[ -n "$item" ]] && printf '%s\n' "$item"
    done
    return 0
}

# An awk function splitting one CSV record (quoted fields, doubled quotes) into f[1..n]; returns n. Then
# the header's columns by name: col["wall_s"] is the index of wall_s.
# shellcheck disable=SC2016 # awk code, expanded by awk, not the shell
csv_awk=$LIB_CSV_AWK


# Worker counts: the list given, else 1 2 4 ... below the maximum, and the maximum.
workers=()
if [[ -n "$workers_list" ]]; then
    mapfile -t workers < <(split_list "$workers_list")
    for p in "${workers[@]}"; do
        is_count "$p" 1 "$max_count" ||
            die_usage "--workers: '$p' is not allowed (allowed: whole numbers 1 .. $max_count)"
    done
    mapfile -t workers < <(for p in "${workers[@]}"; do echo $((10#$p)); done)
else
    for ((p = 1; p < max_workers; p *= 2)); do workers+=("$p"); done
    workers+=("$max_workers")
fi

# What primes offers: the "kernels:", "methods:" and "models:" sections of primes --list, and each one's
# facts: whether a model needs MPI (a launcher), runs one thread per process, can be simulated.
listed() { lib_listed "$primes" "$1"; }
model_is() { lib_has_fact "$primes" models "$1" "$2"; }
mapfile -t compiled < <(listed models)
launcher_found() {
    case "$launcher" in
        auto) if [[ -n "${SLURM_JOB_ID:-}" ]] && command -v srun >/dev/null; then echo srun
              elif command -v mpirun >/dev/null; then echo mpirun; fi ;;
        *) command -v "$launcher" >/dev/null && echo "$launcher" ;;
    esac
}
launch=$(launcher_found || true)
[[ -n "$simulate" ]] && launch=simulate
notes=()
if [[ -n "$simulate" ]]; then
    model_list=()
    mapfile -t model_list < <(split_list "$models")
    simulable=()
    for m in "${compiled[@]}"; do model_is "$m" mpi && model_is "$m" simulable && simulable+=("$m"); done
    [[ -n "$models" ]] || model_list=("${simulable[@]}")
    for m in "${model_list[@]}"; do
        printf '%s\n' "${simulable[@]}" | grep -qx -- "$m" ||
            die_usage "--models: '$m' cannot be simulated (allowed with --simulate: ${simulable[*]})"
    done
elif [[ -z "$models" ]]; then
    model_list=()
    for m in "${compiled[@]}"; do
        if model_is "$m" mpi && [[ -z "$launch" ]]; then
            notes+=("model $m left out: no MPI launcher (mpirun or srun) found")
            continue
        fi
        model_list+=("$m")
    done
else
    mapfile -t model_list < <(split_list "$models")
    for m in "${model_list[@]}"; do
        printf '%s\n' "${compiled[@]}" | grep -qx -- "$m" ||
            die_usage "--models: '$m' is not compiled into $primes (compiled in: ${compiled[*]})"
        if model_is "$m" mpi && [[ -z "$launch" ]]; then
            die_usage "--models: $m needs an MPI launcher, and no ${launcher/auto/mpirun or srun} was found"
        fi
    done
fi
mapfile -t kernel_list < <(split_list "$kernels")
mapfile -t method_list < <(split_list "$methods")
for k in "${kernel_list[@]}"; do
    listed kernels | grep -qx -- "$k" || die_usage "--kernels: '$k' is not a kernel of $primes ($(listed kernels | xargs))"
done
for m in "${method_list[@]}"; do
    listed methods | grep -qx -- "$m" || die_usage "--methods: '$m' is not a method of $primes ($(listed methods | xargs))"
done
[[ ${#kernel_list[@]} -gt 0 && ${#method_list[@]} -gt 0 && ${#model_list[@]} -gt 0 ]] ||
    die_usage "nothing to run: give --kernels, --methods and --models"

# Sizes: "N" for every kernel or "kernel=N,...", normalised to integers by primes' own number parser.
declare -A base_size=([count]=1e9 [product]=1e7 [spin]=9^9)
if [[ -n "$size_spec" ]]; then
    if [[ "$size_spec" != *=* ]]; then
        for k in "${kernel_list[@]}"; do base_size[$k]="$size_spec"; done
    else
        while IFS='=' read -r k v; do
            [[ -n "$k" && -n "$v" ]] || die_usage "--size: '$size_spec' is not N or KERNEL=N,KERNEL=N"
            base_size[$k]="$v"
        done < <(split_list "$size_spec")
    fi
fi
# size_for KERNEL METHOD WORKERS: the n of that point (weak: from the work rule).
size_for() {
    local k="$1" m="$2" p="$3" scale=1
    [[ "$scaling" == weak ]] && scale="$p"
    [[ -n "${base_size[$k]:-}" ]] || die_usage "--size: no size for kernel '$k' (give -n $k=N)"
    local out
    out=$("$primes" analyze --weak-size "${base_size[$k]}" --kernel "$k" --method "$m" --workers "$scale" 2>&1) ||
        die_usage "--size for kernel $k: ${out#primes: analyze: --weak-size: }"
    echo "$out"
}

# Ranks x threads of a hybrid point: --hybrid-threads, else the largest divisor r of p with r*r <= p.
hybrid_split() {
    local p="$1" r best=1
    if [[ -n "$hybrid_threads" ]]; then
        ((p % hybrid_threads == 0)) || return 1
        echo "$((p / hybrid_threads)) $hybrid_threads"
        return 0
    fi
    for ((r = 1; r * r <= p; r++)); do ((p % r == 0)) && best=$r; done
    echo "$best $((p / best))"
}

# ---- the plan: one configuration per line: kernel method n model ranks threads workers ----
configs=()
# A model's kind of point: ranks (mpi: one thread a rank), ranks x threads (hybrid), threads (one process),
# or one worker only (one thread, one process: serial, events).
declare -A model_kind=()
for model in "${model_list[@]}"; do
    kind=threads
    if model_is "$model" mpi; then
        kind="split"
        model_is "$model" "one thread" && kind=ranks
    elif model_is "$model" "one thread"; then
        kind=single
    fi
    model_kind[$model]=$kind
done
for k in "${kernel_list[@]}"; do
    kernel_methods=("${method_list[@]}")
    lib_has_fact "$primes" kernels "$k" "${method_list[0]}" || kernel_methods=(none) # a kernel without methods
    for m in "${kernel_methods[@]}"; do
        for model in "${model_list[@]}"; do
            for p in "${workers[@]}"; do
                [[ "${model_kind[$model]}" == single && "$p" -ne 1 ]] && continue
                case "${model_kind[$model]}" in
                    ranks) ranks=$p threads=1 ;;
                    split) if ! read -r ranks threads < <(hybrid_split "$p"); then
                               notes+=("$model at $p workers left out: not a multiple of --hybrid-threads $hybrid_threads")
                               continue
                           fi ;;
                    *) ranks=1 threads=$p ;;
                esac
                n=$(size_for "$k" "$m" "$p")
                configs+=("$k $m $n $model $ranks $threads $p")
            done
        done
    done
done
[[ ${#configs[@]} -gt 0 ]] || die_usage "nothing to run: no model runs at the worker counts ${workers[*]}"
mapfile -t configs < <(printf '%s\n' "${configs[@]}" | awk '!seen[$0]++')

oversubscribed=()
for p in "${workers[@]}"; do ((p > cores_allowed)) && oversubscribed+=("$p"); done
# Strong scaling: every point cuts its range into the items of the largest point (primes --items-for),
# so the points differ in their parallelism only, and the largest still has an item for every worker.
# Weak scaling: each point its own (n grows with the workers, and so do its items).
items_for=0
if [[ "$scaling" == strong ]]; then
    for p in "${workers[@]}"; do ((p > items_for)) && items_for=$p; done
fi
if [[ -n "$items_for_given" ]]; then
    is_count "$items_for_given" 1 "$max_count" ||
        die_usage "--items-for: '$items_for_given' is not allowed (allowed: a whole number 1 .. $max_count)"
    items_for=$items_for_given
fi

# primes_words CONFIG ROUND: the words after the binary (ROUND 0: a warm-up run, nothing recorded).
primes_words() {
    local k m n model ranks threads p round="$2" words=()
    read -r k m n model ranks threads p <<<"$1"
    words=("$k" -n "$n" -m "$model" -t "$threads")
    [[ "$schedule" != *,* && "$items_for" -gt 0 ]] && words+=(--items-for "$items_for")
    words+=(-r 1 --warmup "$warmup" -q)
    [[ "$m" != none ]] && words+=(--method "$m")
    [[ -n "$schedule" ]] && words+=(--schedule "$schedule")
    if ((round > 0)); then
        words+=(--csv "$runs")
        if ((trace)); then
            # a point run again (--remeasure-disturbed) keeps the trace of its earlier run of that round
            local name="$dir/traces/$k-$m-n$n-$model-${ranks}x$threads-round$round" again=""
            while [[ -e "$name$again.csv" ]]; do again="-again$((${again#-again} + 1))"; done
            words+=(--trace "$name$again.csv")
        fi
    fi
    printf '%s\n' "${words[@]}"
}

describe() { # describe CONFIG: one human line
    local k m n model ranks threads p over="" by=""
    read -r k m n model ranks threads p <<<"$1"
    ((p > cores_allowed)) && over=", oversubscribed"
    [[ "$m" != none ]] && by=" by $m"
    printf '%s%s n=%s  %s %s worker%s (%sx%s%s)' "$k" "$by" "$n" "$model" "$p" \
        "$([[ $p -eq 1 ]] || echo s)" "$ranks" "$threads" "$over"
}

# Every point's options go through primes --check before anything is planned or written, so a value
# primes refuses (a schedule, a chunk too small for a size) stops the study here, with primes' own line,
# instead of failing its first run. A point's ranks run under a launcher; checked here as one process,
# with --items-for its worker count, it is cut into the same items.
for c in "${configs[@]}"; do
    mapfile -t words < <(primes_words "$c" 0)
    read -r _ _ _ _ _ threads p <<<"$c"
    [[ "$items_for" -gt 0 || "$schedule" == *,* ]] || words+=(--items-for "$p")
    why=$(lib_primes_check env OMP_NUM_THREADS="$threads" "$primes" "${words[@]}") ||
        die_usage "$(describe "$c"): $why"
done

# ---- the study directory ----
host=$(hostname -s 2>/dev/null || hostname)
[[ -n "$name" ]] || name="$host-$(date -u +%Y%m%d)-$scaling${simulate:+-simulated}"
[[ -n "$dir" ]] || dir="$(lib_results_root "$repo")/$name"
runs="$dir/runs.csv"
meta="$dir/study.json"
lib_claim_dir "$dir" study.json
if [[ -n "$simulate" ]]; then
    # -V: under smpirun, SimGrid answers --version itself
    version=$("$repo/scripts/simulate.sh" run --platform this-machine --smpi "$smpi" -- -V)
else
    version=$("$primes" --version)
fi
# The build as primes info states it (compiler, then CFLAGS with ARCH and MPI): one commit built -O2 and
# -O3 is two builds, and a study mixes no builds.
build=$("$primes" info 2>/dev/null | awk '$1 == "build" {sub(/^build +/, ""); b = $0} $1 == "flags" {sub(/^ +flags /, ""); f = $0}
    END {print b "; " f}')

json_string() { lib_json_string "$@"; }
json_list() { lib_json_list "$@"; }

if [[ -f "$meta" && $force -eq 0 ]]; then
    declare -A now_is=([host]=$host [primes_version]=$version [primes_build]=$build)
    for key in host primes_version primes_build; do
        current=$(json_string "${now_is[$key]}")
        stored=$(sed -n "s/^  \"$key\": \(.*\),\$/\1/p" "$meta")
        if [[ -n "$stored" && "$stored" != "$current" ]]; then
            echo "study.sh: $dir was measured with $key $stored, this is $current: a study mixes neither" \
                "machines nor builds; use another --name, or --force" >&2
            exit 2
        fi
    done
fi

# ---- what is done already: rows per configuration in runs.csv ----
config_key() { # kernel method n model ranks threads -> the key of a CSV row
    echo "$1|$2|$3|$4|$5|$6"
}
declare -A done_count=()
if [[ -s "$runs" ]]; then
    while read -r key count; do
        done_count[$key]=$count
    done < <(awk -v want_schedule="${schedule%%,*}" -v remeasure="$remeasure" "$csv_awk"'
        {
            split_csv($0, f)
            if (f[col["kernel"]] == "kernel") next
            if (want_schedule != "" && f[col["schedule"]] != want_schedule) next
            if (remeasure && ("disturbed" in col) && f[col["disturbed"]] == "true") next
            key = f[col["kernel"]] "|" f[col["method"]] "|" f[col["n"]] "|" f[col["model"]] "|" \
                  f[col["ranks"]] "|" f[col["threads"]]
            count[key]++
        }
        END { for (k in count) print k, count[k] }' "$runs")
fi

pending_rounds() { # pending_rounds CONFIG: how many timed rounds it still needs
    local k m n model ranks threads p have
    read -r k m n model ranks threads p <<<"$1"
    have=${done_count[$(config_key "$k" "$m" "$n" "$model" "$ranks" "$threads")]:-0}
    echo $((have >= reps ? 0 : reps - have))
}

total=$((${#configs[@]} * reps))
to_run=0
for c in "${configs[@]}"; do to_run=$((to_run + $(pending_rounds "$c"))); done

echo "study $dir"
echo "  $scaling scaling: ${#configs[@]} configurations x $reps repetitions = $total timed runs" \
    "($((total - to_run)) already in runs.csv, $to_run to run), $warmup_rounds warm-up round(s)"
echo "  kernels ${kernel_list[*]}; methods ${method_list[*]}; models ${model_list[*]}; workers ${workers[*]}"
if [[ ${#oversubscribed[@]} -gt 0 ]]; then
    echo "  oversubscribed (more workers than the $cores_allowed cores allowed): ${oversubscribed[*]} workers"
fi
for note in "${notes[@]}"; do echo "  note: $note"; done

# ---- running ----
mpi_prefix() { # mpi_prefix RANKS THREADS WORKERS: the launcher words of an MPI point
    local ranks="$1" threads="$2" p="$3" extra=()
    [[ -n "$mpirun_args" ]] && read -ra extra <<<"$mpirun_args"
    if [[ "$launch" == srun ]]; then
        printf '%s\n' srun --ntasks="$ranks" --cpus-per-task="$threads" --export=ALL
        ((p > cores_allowed)) && printf '%s\n' --overcommit
    else
        printf '%s\n' mpirun
        [[ $(id -u) -eq 0 ]] && printf '%s\n' --allow-run-as-root
        printf '%s\n' --oversubscribe
        if ((threads > 1 || p > cores_allowed)); then printf '%s\n' --bind-to none; fi
        ((threads > 1)) && printf '%s\n' -x OMP_NUM_THREADS
        printf '%s\n' -np "$ranks"
    fi
    [[ ${#extra[@]} -gt 0 ]] && printf '%s\n' "${extra[@]}"
    return 0
}

# point_command CONFIG ROUND: the command words, launcher first.
point_command() {
    local k m n model ranks threads p words=()
    read -r k m n model ranks threads p <<<"$1"
    if [[ -n "$simulate" ]]; then
        words=("$repo/scripts/simulate.sh" run --platform "$simulate" --ranks "$ranks" --smpi "$smpi" --)
    elif [[ "${model_kind[$model]}" == ranks || "${model_kind[$model]}" == split ]]; then
        mapfile -t words < <(mpi_prefix "$ranks" "$threads" "$p")
        words+=("$primes")
    else
        words=("$primes")
    fi
    mapfile -t -O "${#words[@]}" words < <(primes_words "$1" "$2")
    printf '%s\n' "${words[@]}"
}

now() { lib_now; }
created=$(now)
[[ -f "$meta" ]] && created=$(sed -n 's/^  "created": "\(.*\)",$/\1/p' "$meta")
[[ -n "$created" ]] || created=$(now)

disturbed_rows() { lib_disturbed_rows "$runs"; } # how many rows of runs.csv primes judged disturbed

write_meta() { # write_meta STATUS
    local cpu sizes="" k
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
    for k in "${kernel_list[@]}"; do
        sizes+="${sizes:+, }$(json_string "$k"): $("$primes" analyze --weak-size "${base_size[$k]}" --kernel "$k" --workers 1)"
    done
    {
        echo "{"
        echo "  \"schema\": \"primes-study/1\","
        echo "  \"name\": $(json_string "$(basename "$dir")"),"
        echo "  \"status\": $(json_string "$1"),"
        echo "  \"created\": $(json_string "$created"),"
        echo "  \"updated\": $(json_string "$(now)"),"
        echo "  \"scaling\": $(json_string "$scaling"),"
        echo "  \"kernels\": $(json_list "${kernel_list[@]}"),"
        echo "  \"methods\": $(json_list "${method_list[@]}"),"
        echo "  \"sizes\": {$sizes},"
        echo "  \"models\": $(json_list "${model_list[@]}"),"
        echo "  \"workers\": $(json_list "${workers[@]}"),"
        echo "  \"oversubscribed_workers\": $(json_list "${oversubscribed[@]}"),"
        echo "  \"cores_allowed\": $cores_allowed,"
        echo "  \"cores_online\": $(getconf _NPROCESSORS_ONLN),"
        echo "  \"repetitions\": $reps,"
        echo "  \"warmup_rounds\": $warmup_rounds,"
        echo "  \"warmup_runs_per_process\": $warmup,"
        echo "  \"schedule\": $(json_string "${schedule:-primes default}"),"
        echo "  \"hybrid_split\": $(json_string "${hybrid_threads:+$hybrid_threads threads per rank}${hybrid_threads:-square}"),"
        echo "  \"launcher\": $(json_string "${launch:-none}"),"
        echo "  \"simulated_platform\": $(json_string "$simulate"),"
        echo "  \"launcher_version\": $(json_string "$( [[ -n "$launch" && "$launch" != simulate ]] && "$launch" --version 2>/dev/null | head -n 1)"),"
        echo "  \"host\": $(json_string "$host"),"
        echo "  \"cpu_model\": $(json_string "$cpu"),"
        echo "  \"primes\": $(json_string "$primes"),"
        echo "  \"primes_version\": $(json_string "$version"),"
        echo "  \"primes_build\": $(json_string "$build"),"
        echo "  \"command\": $(json_string "$command_line"),"
        echo "  \"runs_planned\": $total,"
        echo "  \"runs_done\": $(($(grep -c "^primes-run/" "$runs" 2>/dev/null || true) + 0)),"
        echo "  \"runs_disturbed\": $(disturbed_rows)"
        echo "}"
    } | lib_write_atomic "$meta"
}

if ((dry_run)); then
    echo "dry run: the commands (round 0 is a warm-up)"
    for ((r = 1 - (warmup_rounds > 0); r <= reps; r++)); do
        for ((i = 0; i < ${#configs[@]}; i++)); do
            c=${configs[$(((i + r + ${#configs[@]} - 1) % ${#configs[@]}))]}
            mapfile -t cmd < <(point_command "$c" "$r")
            echo "  round $r: OMP_NUM_THREADS=$(awk '{print $6}' <<<"$c") ${cmd[*]}"
        done
    done
    exit 0
fi

mkdir -p "$dir"
# One study.sh per directory at a time: a second one would run the same points again.
exec 9>"$dir/.lock"
if ! flock -n 9; then
    echo "study.sh: another study.sh is running in $dir (lock $dir/.lock)" >&2
    exit 2
fi
((trace)) && mkdir -p "$dir/traces"
[[ -s "$dir/info.txt" ]] || "$primes" info >"$dir/info.txt" 2>&1 || true
# a simulated study keeps the platform it ran on (each row names its file and hash)
[[ -z "$simulate" || -s "$dir/platform.xml" ]] || cp "$simulated_file" "$dir/platform.xml"
if [[ "$(id -u)" -eq 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
write_meta running
# stopped STOPPED_BY: the study ends as the signal asked (exit status 128 + its number), resumable
stopped() {
    # the run in flight is stopped too, and waited for (it removes its temporaries)
    if [[ -n "${RUN_PID:-}" ]]; then
        kill -TERM "$RUN_PID" 2>/dev/null || true
        wait "$RUN_PID" 2>/dev/null || true
    fi
    # A launcher may end its ranks with SIGKILL when they are slow to leave (mpirun escalates), which no
    # handler survives: the temporaries of this study's runs (the lock keeps every other study.sh out of
    # this folder) go here too, so nothing half-written is left.
    rm -f "$dir"/.primes-* "$dir"/traces/.primes-*
    write_meta interrupted
    echo "study.sh: stopped by SIG$1; run the same command again to resume" >&2
    exit $((128 + $(kill -l "$1")))
}
for sig in INT TERM HUP; do
    # shellcheck disable=SC2064 # the signal's name is fixed when the trap is set
    trap "stopped $sig" "$sig"
done

run_point() { # run_point CONFIG ROUND
    local cmd status start stop threads
    mapfile -t cmd < <(point_command "$1" "$2")
    threads=$(awk '{print $6}' <<<"$1")
    echo "$(now) round $2: ${cmd[*]}" >>"$dir/commands.log"
    start=$EPOCHREALTIME
    status=0
    # in the background, waited for: a signal to study.sh is answered at once, not after the run
    OMP_NUM_THREADS="$threads" "${cmd[@]}" >>"$dir/runs.log" 2>&1 &
    RUN_PID=$!
    wait "$RUN_PID" || status=$?
    RUN_PID=""
    stop=$EPOCHREALTIME
    echo "$(now) exit $status" >>"$dir/commands.log"
    # a run ended by a signal is a stop, not a failure: mpirun answers its own SIGTERM with 1, which
    # alone would read as a wrong answer, but primes says which signal stopped it
    local signal
    signal=$(tail -n 20 "$dir/runs.log" | sed -n 's/^primes: stopped by SIG\([A-Z]*\);.*/\1/p' | tail -n 1)
    [[ $status -gt 128 && -z "$signal" ]] && signal=$(kill -l "$((status - 128))" 2>/dev/null || true)
    [[ -z "$signal" || $status -eq 0 ]] || stopped "$signal"
    if [[ $status -ne 0 ]]; then
        echo >&2
        echo "study.sh: this run failed with status $status:" >&2
        echo "  ${cmd[*]}" >&2
        tail -n 5 "$dir/runs.log" | sed 's/^/  | /' >&2
        write_meta failed
        exit 1
    fi
    LAST_SECONDS=$(awk -v a="$start" -v b="$stop" 'BEGIN {printf "%.2f", b - a}')
}

last_wall() { # the wall_s primes measured for the last row of runs.csv, and "s", and its verdict when disturbed
    { head -n 1 "$runs"; tail -n 1 "$runs"; } | awk "$csv_awk"' { split_csv($0, f); printf "%.4g s", f[col["wall_s"]]
        if (("disturbed" in col) && f[col["disturbed"]] == "true") printf ", DISTURBED: %s", f[col["disturbed_why"]] }'
}


m=${#configs[@]}
for ((w = 1; w <= warmup_rounds && to_run > 0; w++)); do
    for c in "${configs[@]}"; do
        [[ $(pending_rounds "$c") -gt 0 ]] || continue
        printf '  warm-up %d/%d  %s\n' "$w" "$warmup_rounds" "$(describe "$c")"
        run_point "$c" 0
    done
done
done_now=0
for ((r = 1; r <= reps; r++)); do
    for ((i = 0; i < m; i++)); do
        c=${configs[$(((i + r - 1) % m))]}
        pending=$(pending_rounds "$c")
        # This round is needed when fewer than r runs of the configuration are recorded.
        ((reps - pending < r)) || continue
        run_point "$c" "$r"
        read -r k mm n model ranks threads _ <<<"$c"
        key=$(config_key "$k" "$mm" "$n" "$model" "$ranks" "$threads")
        # under --remeasure-disturbed a disturbed run does not count towards the point's R
        [[ $remeasure -eq 1 && "$(last_wall)" == *DISTURBED* ]] || done_count[$key]=$((${done_count[$key]:-0} + 1))
        done_now=$((done_now + 1))
        printf '  [%*d/%d] round %d/%d  %s  (process %s s) %s\n' "${#to_run}" "$done_now" "$to_run" "$r" \
            "$reps" "$(describe "$c")" "$LAST_SECONDS" "$(last_wall)"
    done
done
write_meta complete
echo "study complete: $runs ($(grep -c '^primes-run/' "$runs" 2>/dev/null || echo 0) runs)"
echo "  next: $primes analyze $runs (the table and fits), $(lib_command "$repo" report.py) $dir (one page with the plots)"
disturbed=$(disturbed_rows)
if ((disturbed > 0 && remeasure == 0)); then
    echo "  disturbed: $disturbed run(s) got less of the machine than they asked (other processes, or" \
        "descheduled workers); primes analyze leaves them out. Re-measure them: $command_line --remeasure-disturbed"
elif ((disturbed > 0)); then
    short=0
    for c in "${configs[@]}"; do [[ $(pending_rounds "$c") -eq 0 ]] || short=$((short + 1)); done
    if ((short > 0)); then
        echo "  disturbed again: $short point(s) still lack $reps undisturbed runs; run the same command again"
    else
        echo "  every point has $reps undisturbed runs; the $disturbed disturbed row(s) stay in runs.csv, and" \
            "primes analyze leaves them out"
    fi
fi
