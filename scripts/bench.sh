#!/usr/bin/env bash
# bench.sh: ours against the peers on this machine, side by side (`make bench`): counting primes against
# primesieve, the product of primes against GMP's mpz_primorial_ui, the tutorial's naive division and the
# counting loop; counting near 2^64 and below 1e12 on every core, against primesieve too; and the memory
# of each run beside its time. Usage: scripts/bench.sh [--quick] [--reps R] [--warmup W] [--models "M..."]
#                                         [--only G,..] [--out FILE] [--check] [--help]
#
# Each case runs its commands in rounds (peer, ours, peer, ours, ...), one process per run; the first
# W rounds are warm-up and discarded. A run is disturbed when /proc/stat shows other processes using more
# than 5% of the machine (and 2 clock ticks) during it, or when a rolled counting loop (clock-probe
# --loop), timed for 10 ms just before and after it, runs below 80% of one iteration per cycle: the core
# is then shared with work this system cannot see (on a virtual machine, another guest on the same
# physical core). A round with a disturbed run is run again (at most R extra rounds per case; then its
# runs are kept, flagged). Reported:
# medians and min-max of ours and the peer, and of the ratio ours/peer taken round by round. Ours is timed
# by its own wall_s (--json: the run, without process start-up), the peers by their own clocks
# (primesieve --time, primorial-peer's CLOCK_MONOTONIC); process wall times of both are reported beside.
# Memory: ours' own record (peak_rss_kib, the largest process; peak_rss_host_kib, summed over the host's
# processes: fork's workers and MPI's ranks too), the peers' maximum resident set from GNU time.
# Timings are never asserted: the targets of the issue are checked and printed here (--check: exit 1
# when one is missed).
#
#   --quick          a short version: n up to 1e10 and 1e7, 3 timed rounds, no far and big cases
#                    (minutes, not the full run's ~90 on a busy 2-core machine)
#   --reps R         timed rounds per case (default 5; --quick 3)
#   --warmup W       discarded rounds first (default 1)
#   --models "M..."  models for the all-threads and two-worker cases (default: omp pthreads fork, and
#                    mpi when mpirun is found and ours has the mpi model)
#   --only LIST      groups to run, comma separated: count,product,naive,spin,far,big (default all):
#                    far: counting [2^64-1e9, 2^64-1) and [2^64-1e10, 2^64-1) on 1 and all threads;
#                    big: below 1e12 on all threads in every model (3 rounds, no warm-up: ~35 minutes);
#                    both with at most --reps rounds
#   --out FILE       the CSV (default results/bench-<host>.csv), rewritten at each run
#   --check          exit 1 when a target is missed
# Environment: PRIMES (ours, default ./primes), BUILD (default build: where the helpers are looked for
# and built: primorial-peer and clock-probe from src/bench), PRIMESIEVE (default primesieve), MPIRUN
# (default mpirun), GNU_TIME (default /usr/bin/time), CC (to build the helpers when missing).
set -euo pipefail

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck disable=SC2034 # lib.sh names the script with it
LIB_PROG=bench.sh
die() { lib_die_usage "$@"; }

quick=0
reps=""
warmup=1
models=""
only="count,product,naive,spin,far,big"
out=""
check=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --quick) quick=1 ;;
        --reps) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || die "--reps needs a positive integer"; reps=$2; shift ;;
        --warmup) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || die "--warmup needs an integer >= 0"; warmup=$2; shift ;;
        --models) [[ $# -ge 2 ]] || die "--models needs a list"; models=$2; shift ;;
        --only) [[ $# -ge 2 ]] || die "--only needs a list"; only=$2; shift ;;
        --out) [[ $# -ge 2 ]] || die "--out needs a file name"; out=$2; shift ;;
        --check) check=1 ;;
        *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
done
[[ -n $reps ]] || reps=$((quick ? 3 : 5))
for g in ${only//,/ }; do
    case "$g" in count | product | naive | spin | far | big) ;; *) die "--only: unknown group '$g'" ;; esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }

cd "$(dirname "$0")/.."
primes=${PRIMES:-./primes}
[[ $primes == */* ]] || primes=./$primes
build=${BUILD:-build}
primesieve=${PRIMESIEVE:-primesieve}
gnu_time=${GNU_TIME:-/usr/bin/time}
[[ -x $gnu_time ]] || die "GNU time is not at $gnu_time (it measures the peers' memory: apt-get install time, or set GNU_TIME)"
mpirun=${MPIRUN:-mpirun}
[[ -x $primes ]] || die "ours is not built: $primes (run make first, or set PRIMES)"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
unset OMP_NUM_THREADS SLURM_CPUS_PER_TASK

# The helpers: found in $BUILD (the Makefile builds them there), else built there from src/bench.
helper() {
    local name=$1 libs=$2 src bin
    src=src/bench/${name//-/_}.c
    bin=$build/$name
    if [[ ! -x $bin || $src -nt $bin ]]; then
        mkdir -p "$build"
        # shellcheck disable=SC2086 # libs is a list of linker flags
        "${CC:-cc}" -std=c11 -O2 -Wall -Wextra -o "$bin" "$src" $libs >&2 || die "cannot build $bin from $src"
    fi
    printf '%s\n' "$bin"
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
runs=$tmp/runs.tsv
: >"$runs"
hz=$(getconf CLK_TCK)
ncpu=$(nproc)
all=$ncpu

# ---- one timed run ------------------------------------------------------------------------------------

stat_busy() {
    local _cpu user nice system _idle _iowait irq softirq steal _rest
    read -r _cpu user nice system _idle _iowait irq softirq steal _rest </proc/stat
    echo $((user + nice + system + irq + softirq + steal))
}

# run_once KIND COMMAND: runs COMMAND (a shell string built by this script) and prints one TSV record:
# internal_s process_s cpu_s other_load core_share disturbed merge_s peak_rss_kib result host_rss_kib
# (internal from the output: ours' wall_s summed over its JSON lines, primesieve's Seconds, the GMP
# peer's first field; core_share: clock-probe --loop's rate around the run over the clock, the lower of
# the two; memory: ours' peak_rss_kib and peak_rss_host_kib, a peer's maximum resident set by GNU time).
run_once() {
    local kind=$1 cmd=$2 b0 b1 times wall user sys loop0 loop1 peer_rss=""
    [[ $kind == ours ]] || cmd="$gnu_time -f %M -o $tmp/rss $cmd"
    rm -f "$tmp/rss"
    loop0=$("$probe" --loop 0.01)
    b0=$(stat_busy)
    TIMEFORMAT='%3R %3U %3S'
    { time eval "$cmd" >"$tmp/out" 2>"$tmp/err"; } 2>"$tmp/time" || {
        cat "$tmp/err" >&2
        die "failed: $cmd"
    }
    b1=$(stat_busy)
    loop1=$("$probe" --loop 0.01)
    times=$(tail -n 1 "$tmp/time")
    [[ ! -s $tmp/rss ]] || peer_rss=$(tail -n 1 "$tmp/rss")
    read -r wall user sys <<<"$times"
    awk -v kind="$kind" -v wall="$wall" -v user="$user" -v sys="$sys" -v busy=$((b1 - b0)) -v hz="$hz" \
        -v ncpu="$ncpu" -v loop0="$loop0" -v loop1="$loop1" -v clock="$hz1" -v peer_rss="$peer_rss" '
        function field(line, key,    m) {
            if (match(line, "\"" key "\":[-0-9.e+]+")) return substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0
            return ""
        }
        kind == "ours" && /"wall_s":/ {
            internal += field($0, "wall_s"); merge += field($0, "merge_s")
            r = field($0, "peak_rss_kib"); if (r > rss) rss = r
            h = field($0, "peak_rss_host_kib"); if (h > host) host = h
            b = field($0, "bits"); result = (b != "" ? b : field($0, "result"))
        }
        kind == "primesieve" && /^Seconds:/ { internal = $2 }
        kind == "primesieve" && /^[0-9]+$/ { result = $1 }
        kind == "peer" && NF >= 2 { internal = $1; result = $2 }
        END {
            cpu = user + sys
            other = busy / hz - cpu
            load = (wall > 0) ? other / (wall * ncpu) : 0
            share = (loop0 < loop1 ? loop0 : loop1) / clock
            disturbed = ((other > 2 / hz && load > 0.05) || share < 0.8) ? 1 : 0
            if (internal == "") internal = wall
            if (kind != "ours" && peer_rss != "") rss = host = peer_rss
            printf "%s\t%s\t%.3f\t%.4f\t%.3f\t%d\t%s\t%s\t%s\t%s\n", internal, wall, cpu, load, share, disturbed,
                   (merge == "" ? "" : merge), (rss == "" ? "" : rss), result, (host == "" ? "" : host)
        }' "$tmp/out"
}

# ---- a case: variants run in rounds --------------------------------------------------------------------

# bench_case GROUP CASE N then quadruples VARIANT WORKERS KIND COMMAND; the first variant is the
# reference of the ratios (the peer, or ours on one worker). Appends to $runs:
# group case n variant workers round timed kept internal process cpu load share disturbed merge rss result
# host_rss
bench_case() {
    local group=$1 name=$2 n=$3
    shift 3
    local -a variant=() nworkers=() kind=() cmd=()
    while [[ $# -ge 4 ]]; do
        variant+=("$1")
        nworkers+=("$2")
        kind+=("$3")
        cmd+=("$4")
        shift 4
    done
    local round=0 done_timed=0 extra=0 i rec disturbed any timed kept retry=${bench_retry:-1}
    local -a recs
    printf '  %-8s %-28s' "$group" "$name" >&2
    while ((done_timed < reps && round < warmup + 3 * reps)); do
        recs=()
        any=0
        for i in "${!cmd[@]}"; do
            rec=$(run_once "${kind[i]}" "${cmd[i]}")
            recs+=("$rec")
            disturbed=$(cut -f6 <<<"$rec")
            ((disturbed == 0)) || any=1
        done
        timed=$((round >= warmup ? 1 : 0))
        kept=1
        if ((!timed)); then
            printf 'w' >&2
        elif ((any && retry && extra < reps)); then
            kept=0
            extra=$((extra + 1))
            printf 'x' >&2
        else
            printf '.' >&2
            done_timed=$((done_timed + 1))
        fi
        for i in "${!cmd[@]}"; do
            printf '%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n' "$group" "$name" "$n" "${variant[i]}" "${nworkers[i]}" \
                "$round" "$timed" "$kept" "${recs[i]}" >>"$runs"
        done
        round=$((round + 1))
    done
    echo >&2
}

# ---- provenance -----------------------------------------------------------------------------------------

host=$(hostname)
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
ours_json=$("$primes" count -n 1000 --json -q -t 1)
json_string() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" <<<"$ours_json"; }
commit=$(json_string git_commit)
compiler=$(json_string compiler)
cflags=$(json_string cflags)
gmp_version=$(json_string gmp_version)
ps_version=$("$primesieve" --version 2>/dev/null | head -n 1 | awk '{sub(/,$/, "", $2); print $2}' || true)
[[ -n $ps_version ]] || ps_version=absent
timestamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
peer=$(helper primorial-peer "$(pkg-config --libs gmp 2>/dev/null || echo -lgmp)")
probe=$(helper clock-probe "")
# the core clock with one busy core and with all busy (the time-stamp counter runs at a fixed rate)
hz1=$("$probe" 0.3)
hzall=$(for ((i = 0; i < all; i++)); do "$probe" 0.3 & done | sort -n | head -n 1)
wait

has_model() { lib_listed "$primes" models | grep -qx -- "$1"; }
has_kernel() { lib_listed "$primes" kernels | grep -qx -- "$1"; }
model_is() { lib_has_fact "$primes" models "$1" "$2"; }
if [[ -z $models ]]; then
    # every model that runs several workers in one process, and the one-thread-a-rank MPI model when
    # mpirun is there (the facts of primes --list)
    models=""
    for m in $(lib_listed "$primes" models); do
        if model_is "$m" mpi; then
            model_is "$m" "one thread" && command -v "$mpirun" >/dev/null 2>&1 && models+=" $m"
        elif ! model_is "$m" "one thread"; then
            models+=" $m"
        fi
    done
    models=${models# }
fi
for m in $models; do has_model "$m" || die "--models: ours has no model '$m' (primes --list)"; done

echo "bench: $host, ${cpu_model:-unknown CPU}, $ncpu cores at $(awk -v h="$hz1" 'BEGIN {printf "%.2f", h / 1e9}') GHz" \
    "($(awk -v h="$hzall" 'BEGIN {printf "%.2f", h / 1e9}') with all busy); ours $commit, $cflags;" \
    "primesieve $ps_version; GMP $gmp_version; $reps rounds after $warmup warm-up" >&2
echo "  (per round: . kept, w warm-up, x disturbed by other load and run again)" >&2

# ours under model M with W workers, as a command string
ours_cmd() {
    local model=$1 workers=$2
    shift 2
    if model_is "$model" mpi; then
        printf '%q -np %d %q %s --model %s --json -q' "$mpirun" "$workers" "$primes" "$*" "$model"
    else
        printf '%q %s --model %s -t %d --json -q' "$primes" "$*" "$model" "$workers"
    fi
}

# ---- the cases --------------------------------------------------------------------------------------------

label() { awk -v n="$1" 'BEGIN { e = int(log(n) / log(10) + 0.5); printf (10 ^ e == n ? "1e%d" : "%d"), (10 ^ e == n ? e : n) }'; }

if wants count; then
    sizes="1000000000 10000000000 100000000000"
    ((quick)) && sizes="1000000000 10000000000"
    for n in $sizes; do
        bench_case count "$(label "$n") t=1" "$n" primesieve 1 primesieve "$primesieve $((n - 1)) -t 1 -q --time" \
            serial 1 ours "$(ours_cmd serial 1 count -n "$n")"
        args=(count "$(label "$n") t=$all" "$n" primesieve "$all" primesieve "$primesieve $((n - 1)) -t $all -q --time")
        for m in $models; do args+=("$m" "$all" ours "$(ours_cmd "$m" "$all" count -n "$n")"); done
        bench_case "${args[@]}"
    done
fi

if wants product; then
    sizes="10000000 100000000"
    ((quick)) && sizes="10000000"
    for n in $sizes; do
        bench_case product "$(label "$n") w=1" "$n" gmp 1 peer "$peer $n" serial 1 ours "$(ours_cmd serial 1 product -n "$n")"
        args=(product "$(label "$n") w=2" "$n" gmp 1 peer "$peer $n")
        for m in $models; do args+=("$m" 2 ours "$(ours_cmd "$m" 2 product -n "$n")"); done
        bench_case "${args[@]}"
    done
fi

if wants naive; then
    # the tutorial's four prime products (limits below), each prime found by division by every j up to
    # i/2: as the tasks kernel's "products" workload (four tasks, one process) when ours has it, else as
    # four runs of the product kernel with --method naive
    limits="50328 22756 39371 44832"
    naive_cmd() {
        local model=$1 workers=$2 l s=""
        if has_kernel tasks; then
            ours_cmd "$model" "$workers" tasks --workload products
            return
        fi
        for l in $limits; do s+="$(ours_cmd "$model" "$workers" product -n "$l" --method naive); "; done
        printf '%s' "${s%; }"
    }
    args=(naive "4 limits" 0 serial 1 ours "$(naive_cmd serial 1)")
    for m in $models; do args+=("$m" 2 ours "$(naive_cmd "$m" 2)"); done
    bench_case "${args[@]}"
fi

if wants spin; then
    # the tutorials' counting loop to 9^9: one thread, then two under each model
    n=387420489
    args=(spin "9^9" "$n" serial 1 ours "$(ours_cmd serial 1 spin -n "$n")")
    for m in $models; do args+=("$m" 2 ours "$(ours_cmd "$m" 2 spin -n "$n")"); done
    bench_case "${args[@]}"
fi

# cases run with their own rounds: bench_with REPS WARMUP RETRY then bench_case's arguments (REPS at
# most --reps, so a short run stays short)
bench_with() {
    local reps_saved=$reps warmup_saved=$warmup
    reps=$((reps < $1 ? reps : $1)) warmup=$2
    bench_retry=$3 bench_case "${@:4}"
    reps=$reps_saved warmup=$warmup_saved
}

if wants far && ((!quick)); then
    # counting far out, near 2^64: every item sieves the 2e8 primes below 2^32 first
    top=18446744073709551615
    for width in 1000000000 10000000000; do
        from=$(bc <<<"$top - $width")
        for t in 1 "$all"; do
            args=(far "2^64-$(label "$width") t=$t" "$width" primesieve "$t" primesieve "$primesieve $from $top -t $t -q --time")
            if ((t == 1)); then
                args+=(serial 1 ours "$(ours_cmd serial 1 count --from "$from" -n "$top")")
            else
                for m in $models; do args+=("$m" "$t" ours "$(ours_cmd "$m" "$t" count --from "$from" -n "$top")"); done
            fi
            bench_with 3 1 1 "${args[@]}"
        done
    done
fi

if wants big && ((!quick)); then
    # below 1e12 on every core in every model: 3 rounds, no warm-up, no re-run (minutes per run)
    n=1000000000000
    args=(big "1e12 t=$all" "$n" primesieve "$all" primesieve "$primesieve $((n - 1)) -t $all -q --time")
    for m in $models; do args+=("$m" "$all" ours "$(ours_cmd "$m" "$all" count -n "$n")"); done
    bench_with 3 0 0 "${args[@]}"
fi

# ---- summary: medians, ratios round by round, targets ------------------------------------------------

summary=$tmp/summary.tsv
awk -F'\t' -v hz1="$hz1" -v hzall="$hzall" -v OFS='\t' '
    function median(list,    a, k, n, t, i, j) {
        n = split(list, a, " ")
        for (i = 2; i <= n; i++) { t = a[i] + 0; for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
        if (n == 0) return ""
        return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function lo(list,    a, n, i, m) { n = split(list, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 < m) m = a[i] + 0; return m }
    function hi(list,    a, n, i, m) { n = split(list, a, " "); m = a[1] + 0; for (i = 2; i <= n; i++) if (a[i] + 0 > m) m = a[i] + 0; return m }
    # $1 group $2 case $3 n $4 variant $5 workers $6 round $7 timed $8 kept $9 internal $10 process
    # $11 cpu $12 load $13 share $14 disturbed $15 merge $16 rss $17 result $18 host rss
    !$7 || !$8 { next }
    {
        key = $1 SUBSEP $2
        if (!(key in first)) { first[key] = $4; order[++ncases] = key; grp[key] = $1; cas[key] = $2; nn[key] = $3 }
        v = key SUBSEP $4
        if (!(v in seen)) { seen[v] = 1; vars[key] = vars[key] " " $4; wk[v] = $5 }
        internal[v] = internal[v] " " $9; process[v] = process[v] " " $10
        if ($15 != "") merge[v] = merge[v] " " $15
        if ($16 != "" && $16 + 0 > rss[v]) rss[v] = $16 + 0
        if ($18 != "" && $18 + 0 > hrss[v]) hrss[v] = $18 + 0
        result[v] = $17
        at[v SUBSEP $6] = $9; atp[v SUBSEP $6] = $10; rounds[v] = rounds[v] " " $6
    }
    END {
        for (c = 1; c <= ncases; c++) {
            key = order[c]; ref = key SUBSEP first[key]
            nv = split(vars[key], vl, " ")
            for (i = 1; i <= nv; i++) {
                v = key SUBSEP vl[i]
                ratios = ""; pratios = ""
                if (vl[i] != first[key]) {
                    nr = split(rounds[v], rl, " ")
                    for (r = 1; r <= nr; r++)
                        if ((ref SUBSEP rl[r]) in at && at[ref SUBSEP rl[r]] > 0) {
                            ratios = ratios " " at[v SUBSEP rl[r]] / at[ref SUBSEP rl[r]]
                            pratios = pratios " " atp[v SUBSEP rl[r]] / atp[ref SUBSEP rl[r]]
                        }
                }
                print grp[key], cas[key], nn[key], vl[i], wk[v], first[key],
                      median(internal[v]), lo(internal[v]), hi(internal[v]), median(process[v]),
                      median(ratios), (ratios == "" ? "" : lo(ratios)), (ratios == "" ? "" : hi(ratios)),
                      median(pratios), median(merge[v]), rss[v], result[v], hrss[v]
            }
        }
    }' "$runs" >"$summary"

# the issue's targets, evaluated on the summary
targets=$tmp/targets.tsv
awk -F'\t' -v OFS='\t' -v hz1="$hz1" -v hzall="$hzall" '
    # $1 group $2 case $3 n $4 variant $5 workers $6 reference $7 med $8 min $9 max $10 process
    # $11 ratio $12 rmin $13 rmax $14 pratio $15 merge $16 rss $17 result $18 host rss
    function row(what, value, goal, ok) { print what, value, goal, (ok ? "met" : "MISSED") }
    function mib(kib) { return sprintf("%.1f", kib / 1024) }
    { g = $1; n = $3 ""; v = $4; w = $5; ref = (v == $6) }
    g == "count" && !ref && w == 1 { one[n] = $7 }
    g == "count" && !ref && w > 1 { many[n, v] = $7; models[v] = w }
    g == "count" && !ref && n == "10000000000" && w == 1 { row("count 1e10, 1 thread: ours/primesieve", $11, "<= 1.00", $11 <= 1.00) }
    g == "count" && !ref && n == "100000000000" && w == 1 { row("count 1e11, 1 thread: ours/primesieve", $11, "<= 1.10", $11 <= 1.10) }
    g == "count" && !ref && n == "10000000000" && w > 1 { row("count 1e10, " w " threads, " v ": ours/primesieve", $11, "<= 1.00", $11 <= 1.00) }
    g == "product" && !ref {
        label = (n == "10000000" ? "1e7" : n == "100000000" ? "1e8" : n) ", " w " worker" (w > 1 ? "s, " v : "")
        lim = (w == 1) ? 1.05 : (n == "10000000" ? 0.60 : 0.65)
        if (n == "10000000" || n == "100000000") row("product " label ": ours/GMP", $11, "<= " lim, $11 <= lim)
        if ($18 != "" && $17 > 0) {
            # the host: every process of the run (fork workers, MPI ranks), against GMP own on one worker
            # (at 1e7 the result, 1.7 MB, is smaller than the program itself: there it is information)
            m = $18 * 1024 / ($17 / 8)
            info = (n + 0 < 1e8)
            if (w == 1 && (n SUBSEP "gmp") in peer_mem)
                row("product " label ": peak RSS / result bytes (GMP " sprintf("%.2f", peer_mem[n, "gmp"]) ")", sprintf("%.2f", m), info ? "(info)" : "<= GMP", info || m <= peer_mem[n, "gmp"] + 1e-9)
            else
                row("product " label ": host peak RSS / result bytes", sprintf("%.2f", m), info ? "(info)" : "<= 6.5", info || m <= 6.5)
            if (w > 1)
                row("product " label ": largest process / result bytes", sprintf("%.2f", $16 * 1024 / ($17 / 8)), "(info)", 1)
        }
    }
    g == "product" && ref && $16 != "" && $17 > 0 { peer_mem[n, v] = $16 * 1024 / ($17 / 8) }
    g == "far" && !ref { row("count " $2 ", " v ": ours/primesieve", $11, "<= 1.10", $11 <= 1.10) }
    g == "big" && !ref {
        row("count 1e12, " w " threads, " v ": ours/primesieve", $11, "<= 0.90", $11 <= 0.90)
        row("count 1e12, " w " threads, " v ": host peak RSS per worker, MiB", mib($18 / w), "<= 32", $18 / w / 1024 <= 32)
    }
    g == "naive" { lim = (w == 1) ? 0.060 : 0.035
        row("naive division, 4 limits, " w " worker" (w > 1 ? "s, " v : "") ": seconds", $7, "<= " lim, $7 <= lim) }
    g == "spin" && ref { row("counting loop, 1 thread: iterations per cycle", sprintf("%.3f", n / ($7 * hz1)), ">= 0.95", n / ($7 * hz1) >= 0.95) }
    g == "spin" && !ref {
        row("counting loop, 2 threads, " v ": speedup", sprintf("%.2f", 1 / $11), ">= 1.9", 1 / $11 >= 1.9)
        row("counting loop, 2 threads, " v ": iterations per cycle per thread", sprintf("%.3f", n / ($7 * hzall * 2)), "(info)", 1)
    }
    END {
        for (k in many) {
            split(k, part, SUBSEP)
            if (part[1] == "10000000000" && one[part[1]] > 0)
                row("count 1e10, " models[part[2]] " threads, " part[2] ": own speedup", sprintf("%.2f", one[part[1]] / many[k]), ">= 1.85", one[part[1]] / many[k] >= 1.85)
        }
    }' "$summary" >"$targets"

# ---- the table -----------------------------------------------------------------------------------------

echo
awk -F'\t' '
    function s(x) { return (x == "" ? "-" : sprintf("%.4f", x)) }
    function m(x) { return (x == "" ? "-" : sprintf("%.1f", x / 1024)) }
    BEGIN { printf "%-8s %-20s %-9s %3s  %-30s %-9s %-22s %-10s %s\n", "group", "case", "variant", "w", "median [min-max] s", "process", "ratio [min-max]", "proc.ratio", "peak MiB: largest/host" }
    {
        printf "%-8s %-20s %-9s %3s  %-30s %-9s %-22s %-10s %s\n", $1, $2, $4, $5,
               s($7) " [" s($8) "-" s($9) "]", s($10),
               ($11 == "" ? "(reference)" : sprintf("%.3f [%.3f-%.3f]", $11, $12, $13)),
               ($14 == "" ? "" : sprintf("%.3f", $14)), m($16) "/" m($18)
    }' "$summary"
echo
echo "serial tail (merge and final step, median s) and peak memory (largest process; summed over the host):"
awk -F'\t' '$1 == "product" || $1 == "big" || $1 == "far" || ($1 == "count" && $2 == 1e11) {
    if ($15 != "" || $16 != "") printf "  %-8s %-16s %-10s w=%-3s merge %-10s peak RSS %s MiB; host %s MiB\n", $1, $2, $4, $5,
        ($15 == "" ? "-" : sprintf("%.4f", $15)), ($16 == "" ? "-" : sprintf("%.1f", $16 / 1024)),
        ($18 == "" ? "-" : sprintf("%.1f", $18 / 1024)) }' "$summary"
echo
echo "targets:"
awk -F'\t' '{ printf "  %-7s %-62s %-9s %s\n", $4, $1, $2, $3 }' "$targets"
missed=$(awk -F'\t' '$4 == "MISSED"' "$targets" | wc -l)
disturbed=$(awk -F'\t' '$7 && $14' "$runs" | wc -l)
echo "  $(wc -l <"$targets") checked, $missed missed; $disturbed timed runs were disturbed by other load" \
    "(their rounds were run again when possible)"

# ---- the CSV ---------------------------------------------------------------------------------------------

[[ -n $out ]] || out=results/bench-$host.csv
mkdir -p "$(dirname "$out")"
csv_quote() { local s=${1//\"/\"\"}; printf '"%s"' "$s"; }
prov="$(csv_quote "$host"),$(csv_quote "$cpu_model"),$ncpu,$hz1,$hzall,$(csv_quote "$commit"),$(csv_quote "$compiler"),$(csv_quote "$cflags"),$(csv_quote "$ps_version"),$(csv_quote "$gmp_version"),$timestamp"
{
    echo "row,group,case,n,variant,workers,round,timed,kept,internal_s,process_s,cpu_s,other_load,core_share,disturbed,merge_s,peak_rss_kib,result,host_rss_kib,reference,median_s,min_s,max_s,median_process_s,ratio,ratio_min,ratio_max,process_ratio,host,cpu_model,cores,core_hz,core_hz_all_busy,commit,compiler,cflags,primesieve,gmp,timestamp"
    awk -F'\t' -v OFS=',' -v prov="$prov" '{ print "run", $1, "\"" $2 "\"", $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "", "", "", "", "", "", "", "", "", prov }' "$runs"
    awk -F'\t' -v OFS=',' -v prov="$prov" '{ print "summary", $1, "\"" $2 "\"", $3, $4, $5, "", "", "", "", "", "", "", "", "", $15, $16, $17, $18, $6, $7, $8, $9, $10, $11, $12, $13, $14, prov }' "$summary"
} >"$tmp/csv"
mv "$tmp/csv" "$out"
echo "wrote $out"
((check && missed > 0)) && exit 1
exit 0
