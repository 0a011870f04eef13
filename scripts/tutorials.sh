#!/usr/bin/env bash
# tutorials.sh: the five Python tutorials' experiments in C: every workload of `primes tasks` under serial,
# omp, pthreads, fork, events and mpi (the plan is scripts/plot_tutorials.py --plan), plus `primes
# overhead`. Writes DIR/runs.csv (one row per timed run, with provenance), DIR/traces/ (one per run),
# DIR/overhead.csv and .txt, DIR/comparison.csv, DIR/table.txt, DIR/plots/ (a bar chart per experiment, the
# tutorials' per-task timelines, per-worker Gantt charts of batch against a pool), DIR/tutorials.json
# (what was asked, where, with which build), DIR/info.txt and DIR/commands.log; then prints the table.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/tutorials.sh [OPTIONS]

Runs the tutorials' experiments with primes tasks --workload NAME under every model (serial, omp,
pthreads, fork, events, mpi), R timed repetitions each after W untimed ones, measures primes overhead,
and prints one table: experiment, model, our median time, the tutorial's time for the same setup, our
speedup and theirs. About 10 minutes at the tutorials' sizes (their waits alone take 4 of them).

options:
      --quick          small tasks (--scale 0.02), 1 repetition, no warm-up, a quick overhead: ~30 s
      --scale S        size of the tasks (default 1: the tutorials' own; --quick: 0.02)
      --reps R         timed repetitions of each run (default 3; --quick: 1)
      --warmup W       untimed runs inside each process before the timed ones (default 1; --quick: 0):
                       a CPU that has been idle (after the waits) runs its first computation slower
      --experiments L  comma-separated experiments (default: all; see scripts/plot_tutorials.py --plan)
      --models L       comma-separated models (default: serial,omp,pthreads,fork,events,mpi; mpi only
                       when mpirun is found)
      --dir DIR        where results go (default: results/tutorials; --quick: results/tutorials-quick);
                       its earlier results are replaced
      --primes PATH    the binary (default: $PRIMES, else the checkout's ./primes, else the installed one)
      --no-plots       no figures (the table needs no matplotlib)
      --no-overhead    leave out primes overhead
      --wait-quiet S   before each run, wait up to S seconds for other processes to leave the CPUs
                       (below 0.2 CPUs busy over half a second): for shared machines (default 0: never)
  -h, --help           this text

exit status: 0 done, 1 a run failed or did not verify (see DIR/runs.log), 2 bad usage
EOF
}

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd) # installed: primes-NAME links here
# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
source "$repo/scripts/lib.sh"
# shellcheck disable=SC2034 # lib.sh names the script with it
LIB_PROG=tutorials.sh
die_usage() { lib_die_usage "$@"; }
quick=0
scale=""
reps=""
warmup=""
experiments=""
models="serial,omp,pthreads,fork,events,mpi"
dir=""
primes="${PRIMES:-$(lib_default_primes "$repo")}"
plots=1
overhead=1
wait_quiet=0
command_line="scripts/tutorials.sh $*"

while [[ $# -gt 0 ]]; do
    opt="$1"
    case "$opt" in
        -h | --help) usage; exit 0 ;;
        --quick) quick=1; shift; continue ;;
        --no-plots) plots=0; shift; continue ;;
        --no-overhead) overhead=0; shift; continue ;;
    esac
    # an unknown option is named as such even when it comes last; a known one then needs its value
    value="${2-}" has_value=$(($# >= 2))
    case "$opt" in
        --scale) scale="$value" ;;
        --reps) reps="$value" ;;
        --warmup) warmup="$value" ;;
        --experiments) experiments="$value" ;;
        --models) models="$value" ;;
        --dir) dir="$value" ;;
        --primes) primes="$value" ;;
        --wait-quiet) wait_quiet="$value" ;;
        *) die_usage "unknown option '$opt' (see --help)" ;;
    esac
    ((has_value)) || die_usage "$opt needs a value (see --help)"
    shift 2
done

if ((quick)); then
    : "${scale:=0.02}" "${reps:=1}" "${warmup:=0}" "${dir:=$(lib_results_root "$repo")/tutorials-quick}"
else
    : "${scale:=1}" "${reps:=3}" "${warmup:=1}" "${dir:=$(lib_results_root "$repo")/tutorials}"
fi
lib_is_count "$reps" 1 1000 || die_usage "--reps: '$reps' is not allowed (allowed: a whole number 1 .. 1000)"
lib_is_count "$warmup" 0 1000 || die_usage "--warmup: '$warmup' is not allowed (allowed: a whole number 0 .. 1000)"
[[ "$scale" =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || die_usage "--scale: '$scale' is not a number above 0"
lib_is_count "$wait_quiet" 0 3600 ||
    die_usage "--wait-quiet: '$wait_quiet' is not allowed (allowed: a whole number of seconds 0 .. 3600)"
[[ -x "$primes" ]] || die_usage "no primes binary at '$primes' (build it with make, or give --primes PATH or PRIMES=PATH)"
primes=$(cd "$(dirname "$primes")" && pwd)/$(basename "$primes")
"$primes" --list | grep -q '^workloads of tasks:' ||
    die_usage "$primes has no tasks kernel (rebuild it from this tree)"
planner=(python3 "$repo/scripts/plot_tutorials.py")

# The plan, filtered by --experiments and --models: experiment workload workers model schedule.
mapfile -t plan < <("${planner[@]}" --plan)
IFS=', ' read -r -a want_models <<<"$models"
want_experiments=()
[[ -n "$experiments" ]] && IFS=', ' read -r -a want_experiments <<<"$experiments"
for e in "${want_experiments[@]}"; do
    printf '%s\n' "${plan[@]}" | awk -v e="$e" '$1 == e {found = 1} END {exit !found}' ||
        die_usage "--experiments: '$e' is not an experiment ($(printf '%s\n' "${plan[@]}" | awk '{print $1}' | uniq | xargs))"
done
# the models of the plan that this primes has (primes --list), and which of them need a launcher
mapfile -t compiled < <(lib_listed "$primes" models)
known=()
for m in $(printf '%s\n' "${plan[@]}" | awk '{print $4}' | awk '!seen[$0]++'); do
    if printf '%s\n' "${compiled[@]}" | grep -qx -- "$m"; then known+=("$m"); fi
done
allowed="${known[*]}"
for m in "${want_models[@]}"; do
    printf '%s\n' "${known[@]}" | grep -qx -- "$m" ||
        die_usage "--models: '$m' is not a model of the plan this primes has (allowed: ${allowed// /, })"
done
notes=()
has_mpirun=0
command -v mpirun >/dev/null && has_mpirun=1
needs_launcher() { lib_has_fact "$primes" models "$1" mpi; }
selected=()
for line in "${plan[@]}"; do
    read -r exp _ _ model _ <<<"$line"
    [[ ${#want_experiments[@]} -eq 0 ]] || printf '%s\n' "${want_experiments[@]}" | grep -qx -- "$exp" || continue
    printf '%s\n' "${want_models[@]}" | grep -qx -- "$model" || continue
    if needs_launcher "$model" && [[ $has_mpirun -eq 0 ]]; then
        notes+=("$model left out: no mpirun found")
        continue
    fi
    selected+=("$line")
done
[[ ${#selected[@]} -gt 0 ]] || die_usage "nothing to run: no experiment of the plan under the models asked for"

# tasks_words WORKLOAD WORKERS MODEL SCHEDULE: a run's words after the binary, without its files.
tasks_words() {
    local workload="$1" workers="$2" model="$3" schedule="$4"
    printf '%s\n' tasks --workload "$workload" --scale "$scale" -m "$model" -s "$schedule" -r "$reps" --warmup "$warmup" -q
    # -t: workers per process; a one-thread model takes it only as the size of a batch round (events)
    if ! lib_has_fact "$primes" models "$model" "one thread" ||
        { [[ "$schedule" == batch ]] && lib_has_fact "$primes" models "$model" rounds; }; then
        printf '%s\n' -t "$workers"
    fi
}

# Every run's options go through primes --check before the folder is touched: a value primes refuses
# (--scale 0, a repetition count past its bound) stops here with primes' own line, not in every run.
for line in "${selected[@]}"; do
    read -r exp workload workers model schedule <<<"$line"
    mapfile -t words < <(tasks_words "$workload" "$workers" "$model" "$schedule")
    why=$(lib_primes_check "$primes" "${words[@]}") || die_usage "$exp under $model: $why"
done

# ---- the directory: our files only are replaced, in a folder of ours ----
lib_claim_dir "$dir" tutorials.json
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
exec 9>"$dir/.lock"
flock -n 9 || die_usage "another tutorials.sh is running in $dir"
rm -rf "$dir/traces" "$dir/plots"
rm -f "$dir"/{runs.csv,runs.log,commands.log,comparison.csv,table.txt,overhead.csv,overhead.txt,info.txt,load.csv,plots.log,report.html}
mkdir -p "$dir/traces"
if [[ "$(id -u)" -eq 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
unset OMP_NUM_THREADS
"$primes" info >"$dir/info.txt" 2>&1 || true

json_string() { lib_json_string "$@"; }
now() { lib_now; }
started=$(now)
write_meta() { # write_meta STATUS
    {
        echo "{"
        echo "  \"schema\": \"primes-tutorials/1\","
        echo "  \"status\": $(json_string "$1"),"
        echo "  \"started\": $(json_string "$started"),"
        echo "  \"updated\": $(json_string "$(now)"),"
        echo "  \"scale\": $scale,"
        echo "  \"repetitions\": $reps,"
        echo "  \"warmup_runs\": $warmup,"
        echo "  \"wait_quiet_s\": $wait_quiet,"
        echo "  \"runs\": ${#selected[@]},"
        echo "  \"host\": $(json_string "$(hostname)"),"
        echo "  \"cpu_model\": $(json_string "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"),"
        echo "  \"cores_allowed\": $(nproc),"
        echo "  \"primes\": $(json_string "$primes"),"
        echo "  \"primes_version\": $(json_string "$("$primes" --version)"),"
        echo "  \"launcher_version\": $(json_string "$( ((has_mpirun)) && mpirun --version 2>/dev/null | head -n 1)"),"
        echo "  \"other_cpus_before\": ${load_before:-null},"
        echo "  \"other_cpus_after\": ${load_after:-null},"
        echo "  \"command\": $(json_string "$command_line")"
        echo "}"
    } | lib_write_atomic "$dir/tutorials.json"
}
load_before="" load_after=""
write_meta running

echo "tutorials $dir"
echo "  ${#selected[@]} runs x $reps repetitions (after $warmup untimed), --scale $scale, $("$primes" --version)"
for note in "${notes[@]}"; do echo "  note: $note"; done | sort -u

# ---- how busy the machine is with other work ----
# CPU time of the whole machine (ticks, /proc/stat: every field but idle and iowait) and of this shell's
# finished children (ticks, /proc/self/stat cutime + cstime): other processes used the difference.
machine_ticks() { awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
children_ticks() { awk '{sub(/^.*\) /, ""); print $14 + $15}' "/proc/$$/stat"; }
tick=$(getconf CLK_TCK)
echo "experiment,model,schedule,elapsed_s,our_cpu_s,other_cpu_s,other_cpus" >"$dir/load.csv"
# other_cpus SECONDS: how many CPUs other processes kept busy while we slept SECONDS
other_cpus() {
    local m0 m1
    m0=$(machine_ticks)
    sleep "$1"
    m1=$(machine_ticks)
    awk -v d="$((m1 - m0))" -v t="$tick" -v s="$1" 'BEGIN {printf "%.2f", d / t / s}'
}
# wait_for_quiet: up to --wait-quiet seconds, until other processes keep fewer than 0.2 CPUs busy
wait_for_quiet() {
    local deadline=$((SECONDS + wait_quiet))
    while ((SECONDS < deadline)); do
        awk -v l="$(other_cpus 0.5)" 'BEGIN {exit !(l < 0.2)}' && return 0
        sleep 1
    done
    return 0
}
load_before=$(other_cpus 1)
echo "  other processes kept $load_before CPUs busy just before the runs (load.csv: during each run)"
if awk -v l="$load_before" 'BEGIN {exit !(l > 0.3)}'; then
    echo "  warning: the machine is busy with other work: CPU-bound times will be distorted (the waits will not)"
fi

# ---- the runs ----
failed=0
run_one() { # run_one EXPERIMENT WORKLOAD WORKERS MODEL SCHEDULE
    local exp="$1" workload="$2" workers="$3" model="$4" schedule="$5" cmd=() status=0
    local m0 c0 t0 m1 c1 t1
    if needs_launcher "$model"; then
        cmd=(mpirun --oversubscribe --bind-to none -np "$workers")
    fi
    cmd+=("$primes")
    mapfile -t -O "${#cmd[@]}" cmd < <(tasks_words "$workload" "$workers" "$model" "$schedule")
    cmd+=(--csv "$dir/runs.csv" --trace "$dir/traces/$exp-$model-$schedule.csv")
    echo "$(now) ${cmd[*]}" >>"$dir/commands.log"
    ((wait_quiet == 0)) || wait_for_quiet
    m0=$(machine_ticks) c0=$(children_ticks) t0=$EPOCHREALTIME
    "${cmd[@]}" >>"$dir/runs.log" 2>&1 || status=$?
    t1=$EPOCHREALTIME c1=$(children_ticks) m1=$(machine_ticks)
    awk -v e="$exp" -v m="$model" -v s="$schedule" -v t0="$t0" -v t1="$t1" -v c="$((c1 - c0))" \
        -v o="$((m1 - m0 - (c1 - c0)))" -v tick="$tick" 'BEGIN {
            o = o < 0 ? 0 : o; printf "%s,%s,%s,%.3f,%.2f,%.2f,%.2f\n", e, m, s, t1 - t0, c / tick, o / tick,
            o / tick / (t1 - t0)}' >>"$dir/load.csv"
    echo "$(now) exit $status" >>"$dir/commands.log"
    if [[ $status -ne 0 ]]; then
        echo "tutorials.sh: this run failed with status $status: ${cmd[*]}" >&2
        tail -n 4 "$dir/runs.log" | sed 's/^/  | /' >&2
        failed=1
    fi
}
i=0
for line in "${selected[@]}"; do
    i=$((i + 1))
    read -r exp workload workers model schedule <<<"$line"
    total="${#selected[@]}"
    printf '  [%*d/%d] %-13s %-8s %-7s %d worker%s\n' "${#total}" "$i" "$total" "$exp" "$model" \
        "$schedule" "$workers" "$([[ $workers -eq 1 ]] || echo s)"
    run_one "$exp" "$workload" "$workers" "$model" "$schedule"
done

# ---- overheads ----
if ((overhead)); then
    if "$primes" overhead --help >/dev/null 2>&1; then
        echo "  primes overhead$( ((quick)) && echo ' --quick')"
        oargs=(overhead --csv "$dir/overhead.csv")
        ((quick)) && oargs+=(--quick)
        "$primes" "${oargs[@]}" >"$dir/overhead.txt" 2>>"$dir/runs.log" || {
            echo "tutorials.sh: primes overhead failed (see $dir/overhead.txt)" >&2
            failed=1
        }
    else
        echo "  note: this primes has no 'overhead' command; overheads left out"
    fi
fi

load_after=$(other_cpus 1)
write_meta running

# ---- the table and the figures ----
echo
"${planner[@]}" --table "$dir"
if ((plots)); then
    if py=$("$repo/scripts/plot.py" --probe 2>/dev/null | sed -n 's/^matplotlib [^ ]* in //p') && [[ -n "$py" ]]; then
        "$py" "$repo/scripts/plot_tutorials.py" --plots "$dir" >"$dir/plots.log" 2>&1 || {
            echo "tutorials.sh: the figures failed (see $dir/plots.log)" >&2
            failed=1
        }
        for exp in pool-products pool-mixed; do
            for trace in "$dir/traces/$exp"-*.csv; do
                [[ -e "$trace" ]] || continue
                "$repo/scripts/plot.py" --out "$dir/plots" --trace "$trace" >>"$dir/plots.log" 2>&1 || failed=1
            done
        done
        echo "figures: $(grep -c '\.png$' "$dir/plots.log" || true) in $dir/plots"
    else
        echo "note: no python with matplotlib found (scripts/plot.py --probe): no figures"
    fi
fi
if [[ -s "$dir/overhead.txt" ]]; then
    echo
    cat "$dir/overhead.txt"
fi
if awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "verified") c = i; next} $c == "false" {bad = 1}
        END {exit !bad}' "$dir/comparison.csv"; then
    echo "tutorials.sh: a run did not verify (comparison.csv, column verified)" >&2
    failed=1
fi
# the whole of it in one self-contained page (scripts/report.py)
"$repo/scripts/report.py" --primes "$primes" "$dir" >/dev/null || {
    echo "tutorials.sh: the report failed (scripts/report.py $dir)" >&2
    failed=1
}
write_meta "$([[ $failed -eq 0 ]] && echo complete || echo failed)"
exit "$failed"
