#!/usr/bin/env bash
# simulate.sh: the suite's MPI code on simulated clusters (SimGrid SMPI): one simulated run, the
# calibration of this machine, the committed simulated study. The one place that knows how smpirun is
# called: platform files and their host lists, the calibrated speed, SimGrid's output kept to what matters.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/simulate.sh run [OPTIONS] [--] PRIMES_ARGS...
       scripts/simulate.sh calibrate [--reps R] [--dir DIR]
       scripts/simulate.sh study [--dir DIR] [--quick]
       scripts/simulate.sh platforms | platform P

Runs the unmodified MPI code of primes (built by `make smpi` into build/smpi/primes) on a simulated
platform: every rank's computation really runs, its CPU time becomes simulated time, its messages
cross the platform's simulated network. Only the mpi model (and serial at 1 rank) is simulated;
every time a simulated run reports is simulated time. docs/simulation.md says more.

run: one simulated run of primes PRIMES_ARGS on N simulated ranks
  -p, --platform P   a platform of platforms/ by name (this-machine, modern-cluster, commodity-10gbe)
                     or a SimGrid platform file (default: modern-cluster); ranks are placed by the
                     host list beside it (NAME.hosts: host:slots lines), else one per host
      --ranks N      simulated ranks (default 1)
      --speed S      smpi/host-speed: the flop/s one CPU second here stands for (default: the
                     calibrated one of platforms/calibration.txt, or of $PRIMES_CALIBRATION, else 1Gf)
      --smpi PATH    the simulated binary (default: $PRIMES_SMPI, else build/smpi/primes)

calibrate: measures this machine: real mpirun runs of count 1e10 and product 1e7 at 1 and 2 ranks,
  interleaved with the same runs simulated on this-machine, sets the speed so that the two agree
  (platforms/calibration.txt) and checks the agreement with the new speed
      --reps R       rounds of each run (default 5)
      --dir DIR      also write DIR/calibration.csv (every run) and DIR/calibration.txt

study: the committed simulated study (docs/simulation.md): calibration, then strong scaling of count
  (1e10, 1e11) at 1 ... 4096 ranks and of product (1e7, 1e8) at 1 ... 1024, weak scaling of both, the
  same on commodity-10gbe, then primes analyze and the plots; resumable
      --dir DIR      the study directory (default: results/simulated-YYYYMMDD)
      --quick        small sizes and rank counts: a two-minute rehearsal (default dir ...-quick)

platforms: the shipped platforms, one line each
platform P: the file of platform P and how many ranks its host list places ("FILE SLOTS"; SLOTS 0:
  no host list, one rank per host)

exit status: that of primes (0, 1 verification failed, 2 bad input, 3 the run failed); 2 for a bad
option, a missing or malformed platform; 128+N stopped by signal N (130 Ctrl-C, 143 kill)
EOF
}

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd) # installed: primes-NAME links here
platform_dir="$repo/platforms"
calibration_file="${PRIMES_CALIBRATION:-$platform_dir/calibration.txt}"

# shellcheck source-path=SCRIPTDIR source=lib.sh disable=SC1091
source "$repo/scripts/lib.sh"
# shellcheck disable=SC2034 # lib.sh names the script with it
LIB_PROG=simulate.sh
die_usage() { lib_die_usage "$@"; }

shipped_platforms() {
    local f
    for f in "$platform_dir"/*.xml; do
        [[ -e "$f" ]] && basename "$f" .xml
    done
    return 0
}

# platform_file P: the file of a platform given by name or path.
platform_file() {
    local p="$1"
    if [[ "$p" != */* && "$p" != *.xml ]]; then
        [[ -f "$platform_dir/$p.xml" ]] ||
            die_usage "--platform: '$p' is not a platform (allowed: $(shipped_platforms | xargs | sed 's/ /, /g'), or a SimGrid platform file)"
        p="$platform_dir/$p.xml"
    fi
    [[ -e "$p" ]] || die_usage "--platform: '$p' does not exist (allowed: a SimGrid platform file)"
    [[ -f "$p" ]] || die_usage "--platform: '$p' is not a regular file (allowed: a SimGrid platform file)"
    [[ -r "$p" ]] || die_usage "--platform: '$p' cannot be read (allowed: a readable SimGrid platform file)"
    echo "$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"
}

# host_slots HOSTFILE: how many ranks its host:slots lines place.
host_slots() {
    awk -F: 'NF == 0 || /^#/ {next} {total += (NF > 1 ? $2 : 1)} END {print total + 0}' "$1"
}

calibrated_speed() {
    [[ -f "$calibration_file" ]] && awk '$1 == "reference_speed" {print $2; exit}' "$calibration_file"
    return 0
}

is_count() { [[ "$1" =~ ^[1-9][0-9]{0,8}$ ]]; }

# ---- run ----
simulate_run() {
    local platform=modern-cluster ranks=1 speed="" smpi="${PRIMES_SMPI:-$(lib_default_smpi "$repo")}"
    while [[ $# -gt 0 ]]; do
        case "$1" in
            -h | --help) usage; exit 0 ;;
            --) shift; break ;;
            -p | --platform | --ranks | --speed | --smpi)
                [[ $# -ge 2 ]] || die_usage "$1 needs a value (see --help)"
                case "$1" in
                    -p | --platform) platform="$2" ;;
                    --ranks) ranks="$2" ;;
                    --speed) speed="$2" ;;
                    --smpi) smpi="$2" ;;
                esac
                shift 2
                ;;
            *) break ;;
        esac
    done
    is_count "$ranks" || die_usage "--ranks: '$ranks' is not allowed (allowed: a whole number 1 .. 999999999)"
    [[ -x "$smpi" ]] || die_usage "no simulated binary at '$smpi' (build it with make smpi, or give --smpi PATH)"
    command -v smpirun >/dev/null || die_usage "smpirun not found (scripts/install-deps.sh installs libsimgrid-dev)"
    local file hosts=""
    file=$(platform_file "$platform")
    if [[ -f "${file%.xml}.hosts" ]]; then
        hosts="${file%.xml}.hosts"
        local slots
        slots=$(host_slots "$hosts")
        ((ranks <= slots)) ||
            die_usage "--ranks: $ranks is more than the $slots slots of platform $(basename "$file" .xml) (allowed: 1 .. $slots, as ${hosts#"$repo"/} places them)"
    fi
    if [[ -z "$speed" ]]; then
        speed=$(calibrated_speed)
        [[ -n "$speed" ]] || speed=1Gf
    fi
    [[ "$speed" =~ ^[0-9]+(\.[0-9]+)?([eE][0-9]+)?[kMGTP]?f$ ]] ||
        die_usage "--speed: '$speed' is not allowed (allowed: flop/s such as 1Gf, 0.97Gf, 2.5e9f)"

    local -a cmd=(smpirun -quiet -np "$ranks" -platform "$file")
    [[ -n "$hosts" ]] && cmd+=(-hostfile "$hosts")
    # SimGrid's log: warnings and worse, but not one line per rank that exits with a status. Globals
    # are privatized the default way (a copy of the program per rank): mmap privatization takes less
    # memory (480 KB a rank against 740 KB) but charges its segment switches to the ranks' computation
    # (count 1e10 on 1024 ranks: 23.6 ms simulated, against 4.5 ms)
    cmd+=(--cfg=smpi/host-speed:"$speed" --log=root.thres:warning --log=smpi_kernel.thres:error "$smpi" "$@")
    local status=0
    run_err=$(mktemp "${TMPDIR:-/tmp}/simulate-err.XXXXXX")
    run_out=$(mktemp "${TMPDIR:-/tmp}/simulate-out.XXXXXX")
    trap 'rm -f "$run_err" "$run_out"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    local err="$run_err" out="$run_out"
    if [[ -n "${PRIMES_SIM_USAGE:-}" ]]; then
        # what the simulation cost here: one line per run of ranks, wall seconds and the simulator's peak
        # memory (PRIMES_SIM_USAGE=FILE, as simulate.sh study sets it)
        local usage
        usage=$(mktemp "${TMPDIR:-/tmp}/simulate-usage.XXXXXX")
        /usr/bin/time -o "$usage" -f '%e,%M' "${cmd[@]}" >"$out" 2>"$err" </dev/null || status=$?
        printf '%s,%s,%s,%s\n' "$(basename "$file" .xml)" "$ranks" "$(tail -n 1 "$usage")" "$*" >>"$PRIMES_SIM_USAGE"
        rm -f "$usage"
    else
        "${cmd[@]}" >"$out" 2>"$err" </dev/null || status=$?
    fi
    # smpirun's own verdict line goes; what primes printed stays
    grep -v '^Execution failed with code [0-9]*\.$' "$out" || true
    if ((status != 0)) && ! grep -q '^primes' "$out" "$err"; then
        # nothing from primes: SimGrid refused before any rank ran (the platform, most often)
        local why
        why=$(grep -m 1 -oE 'Parse error at [^ ]+: .*|xbt_exception/ERROR\] .*' "$err" | sed 's/^xbt_exception\/ERROR\] //')
        if [[ -n "$why" ]]; then
            echo "simulate.sh: platform '$file' is malformed: ${why#Parse error at }" >&2
            exit 2
        fi
        echo "simulate.sh: smpirun failed with status $status: $(grep -v '^$' "$err" | tail -n 1)" >&2
        exit "$((status == 2 ? 2 : 3))"
    fi
    grep -v '^$' "$err" >&2 || true
    return "$status"
}

# ---- calibrate ----
json_field() { # json_field NAME: the value of NAME in the JSON object on stdin
    python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())[sys.argv[1]])' "$1"
}

simulate_calibrate() {
    local reps=5 dir=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            -h | --help) usage; exit 0 ;;
            --reps | --dir)
                [[ $# -ge 2 ]] || die_usage "$1 needs a value (see --help)"
                [[ "$1" == --reps ]] && reps="$2" || dir="$2"
                shift 2
                ;;
            *) die_usage "calibrate: unknown option '$1' (see --help)" ;;
        esac
    done
    [[ "$reps" =~ ^[1-9][0-9]{0,3}$ ]] || die_usage "--reps: '$reps' is not allowed (allowed: 1 .. 9999)"
    local primes="${PRIMES:-$(lib_default_primes "$repo")}"
    [[ -x "$primes" ]] || die_usage "no primes binary at '$primes' (build it with make, or set PRIMES)"
    # the model calibrated: the MPI model SMPI simulates (one thread a rank), as primes --list says
    local model=""
    for m in $(lib_listed "$primes" models); do
        lib_has_fact "$primes" models "$m" mpi && lib_has_fact "$primes" models "$m" simulable && model=$m && break
    done
    [[ -n "$model" ]] || die_usage "'$primes' has no MPI model SMPI can simulate (build it with MPI)"
    command -v mpirun >/dev/null || die_usage "mpirun not found (scripts/install-deps.sh installs openmpi-bin)"
    [[ -z "$dir" ]] || mkdir -p "$dir"
    local -a mpirun_words=(mpirun --oversubscribe)
    [[ $(id -u) -eq 0 ]] && mpirun_words+=(--allow-run-as-root)
    local csv
    csv=$(mktemp "${TMPDIR:-/tmp}/calibration.XXXXXX")
    echo "case,ranks,round,kind,speed,wall_s" >"$csv"
    # each case: kernel, n; every run sizes its items for 2 workers, so 1 and 2 ranks run the same items
    local -a cases=("count 1e10" "product 1e7")
    local c k n p r wall
    measure() { # measure PASS SPEED: one round of every case, real and simulated, interleaved
        local pass="$1" speed="$2"
        for ((r = 1; r <= reps; r++)); do
            for c in "${cases[@]}"; do
                read -r k n <<<"$c"
                for p in 1 2; do
                    if [[ "$pass" == first ]]; then
                        wall=$("${mpirun_words[@]}" -np "$p" "$primes" "$k" -n "$n" -m "$model" --items-for 2 --json -q |
                            json_field wall_s)
                        echo "$k-$n,$p,$r,real,,$wall" >>"$csv"
                    fi
                    wall=$(simulate_run --platform this-machine --ranks "$p" --speed "$speed" -- \
                        "$k" -n "$n" -m "$model" --items-for 2 --json -q | json_field wall_s)
                    echo "$k-$n,$p,$r,simulated-$pass,$speed,$wall" >>"$csv"
                done
            done
        done
    }
    echo "calibrate: $reps rounds of count 1e10 and product 1e7 at 1 and 2 ranks, real and simulated (1Gf)"
    measure first 1Gf
    # the speed that makes the simulated medians agree with the real ones: simulated time scales with
    # smpi/host-speed, so the factor is the geometric mean of real / simulated over the four cases
    local factor speed
    factor=$(awk -F, 'NR > 1 {v[$1 "|" $2 "|" $4] = v[$1 "|" $2 "|" $4] " " $6; keys[$1 "|" $2] = 1}
        function median(list,   a, n, i, j, t) { n = split(list, a, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        END { s = 0; m = 0; for (k in keys) { s += log(median(v[k "|real"]) / median(v[k "|simulated-first"])); m++ }
              printf "%.4f", exp(s / m) }' "$csv")
    speed=$(awk -v f="$factor" 'BEGIN {printf "%.4gGf", f}')
    echo "calibrate: real / simulated = $factor; checking with smpi/host-speed $speed"
    measure check "$speed"
    local report
    report=$(awk -F, 'NR > 1 {v[$1 "|" $2 "|" $4] = v[$1 "|" $2 "|" $4] " " $6; keys[$1 "|" $2] = 1}
        function median(list,   a, n, i, j, t) { n = split(list, a, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
        END { for (k in keys) { split(k, kk, "|"); real = median(v[k "|real"]); sim = median(v[k "|simulated-check"])
              printf "case %s ranks %s real_s %.4g simulated_s %.4g simulated_over_real %.3f\n", kk[1], kk[2], real, sim, sim / real } }' \
        "$csv" | sort)
    local now host cpu commit
    now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    host=$(hostname -s 2>/dev/null || hostname)
    cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
    commit=$(git -C "$repo" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
    {
        echo "# The speed of this machine for simulated runs: written by scripts/simulate.sh calibrate."
        echo "# reference_speed is smpi/host-speed, the flop/s that one CPU second of a rank stands for:"
        echo "# with it, runs simulated on platforms/this-machine.xml take what real runs take here."
        echo "reference_speed $speed"
        echo "measured $now"
        echo "host $host"
        echo "cpu_model $cpu"
        echo "commit $commit"
        echo "rounds $reps"
        echo "$report"
    } | lib_write_atomic "$calibration_file"
    if [[ -n "$dir" ]]; then
        mv "$csv" "$dir/calibration.csv"
        cp "$calibration_file" "$dir/calibration.txt"
    else
        rm -f "$csv"
    fi
    echo "$report" | awk '{printf "  %-14s %s rank%s  real %8.4f s  simulated %8.4f s  %+5.1f%%\n", $2, $4, $4 == 1 ? " " : "s", $6, $8, 100 * ($10 - 1)}'
    echo "calibrate: wrote ${calibration_file#"$repo"/} (reference_speed $speed)"
}

# ---- study ----
simulate_study() {
    local dir="" quick=0
    while [[ $# -gt 0 ]]; do
        case "$1" in
            -h | --help) usage; exit 0 ;;
            --quick) quick=1; shift ;;
            --dir)
                [[ $# -ge 2 ]] || die_usage "--dir needs a value (see --help)"
                dir="$2"
                shift 2
                ;;
            *) die_usage "study: unknown option '$1' (see --help)" ;;
        esac
    done
    local primes="${PRIMES:-$(lib_default_primes "$repo")}" study="$repo/scripts/study.sh"
    [[ -x "$primes" ]] || die_usage "no primes binary at '$primes' (build it with make, or set PRIMES)"
    [[ -x "${PRIMES_SMPI:-$(lib_default_smpi "$repo")}" ]] || die_usage "no simulated binary: build it with make smpi"
    "$repo/scripts/plot.py" --probe >/dev/null || die_usage "the study's plots need matplotlib (see above)"
    # each series: name, platform ("real": this machine, mpirun), kernel, n, scaling, workers, repetitions;
    # a real series cuts its items like the simulated series of its range, whose largest point it names
    local -a series
    if ((quick)); then
        [[ -n "$dir" ]] || dir="$(lib_results_root "$repo")/simulated-$(date -u +%Y%m%d)-quick"
        series=(
            "strong-count-1e9 modern-cluster count 1e9 strong 1,4,16,64,256 2 -"
            "strong-product-1e6 modern-cluster product 1e6 strong 1,4,16,64 2 -"
            "weak-count modern-cluster count 1e7 weak 1,4,16,64 1 -"
            "real-count-1e9 real count 1e9 strong 1,2 2 256"
            "real-product-1e6 real product 1e6 strong 1,2 2 64"
        )
    else
        [[ -n "$dir" ]] || dir="$(lib_results_root "$repo")/simulated-$(date -u +%Y%m%d)"
        local to4096=1,2,4,8,16,32,64,128,256,512,1024,2048,4096 to1024=1,2,4,8,16,32,64,128,256,512,1024
        series=(
            "strong-count-1e10 modern-cluster count 1e10 strong $to4096 3 -"
            "strong-count-1e11 modern-cluster count 1e11 strong $to4096 1 -"
            "strong-product-1e7 modern-cluster product 1e7 strong $to1024 3 -"
            "strong-product-1e8 modern-cluster product 1e8 strong $to1024 1 -"
            "weak-count modern-cluster count 1e8 weak $to1024 1 -"
            "weak-product modern-cluster product 1e5 weak $to1024 1 -"
            "fabric-count-1e10 commodity-10gbe count 1e10 strong $to4096 1 -"
            "fabric-product-1e8 commodity-10gbe product 1e8 strong $to1024 1 -"
            "real-count-1e10 real count 1e10 strong 1,2 3 4096"
            "real-product-1e7 real product 1e7 strong 1,2 3 1024"
        )
    fi
    mkdir -p "$dir"
    local started=$SECONDS
    export PRIMES_SIM_USAGE="$dir/simulator.csv"
    [[ -s "$PRIMES_SIM_USAGE" ]] || echo "platform,ranks,wall_s,peak_kib,command" >"$PRIMES_SIM_USAGE"
    if [[ ! -s "$dir/calibration.txt" ]]; then
        echo "== calibration"
        simulate_calibrate --reps "$((quick ? 2 : 3))" --dir "$dir"
    fi
    local s name platform kernel n scaling workers reps items
    for s in "${series[@]}"; do
        read -r name platform kernel n scaling workers reps items <<<"$s"
        echo "== $name"
        local -a args=(--dir "$dir/$name" --kernels "$kernel" -n "$n" --scaling "$scaling" --workers "$workers"
            --reps "$reps" --no-trace)
        if [[ "$platform" == real ]]; then
            args+=(--models mpi --items-for "$items" --warmup-rounds 1)
        else
            args+=(--simulate "$platform")
        fi
        "$study" "${args[@]}" | grep -v '^  \[' || { echo "simulate.sh: the series $name failed" >&2; exit 1; }
    done
    echo "== analysis"
    local -a runs=() f
    for f in "$dir"/*/runs.csv; do [[ "$f" == "$dir"/weak-* ]] || runs+=("$f"); done
    "$primes" analyze --csv "$dir/summary.csv" "${runs[@]}" >"$dir/summary.txt"
    "$primes" analyze --weak --csv "$dir/summary-weak.csv" "$dir"/weak-*/runs.csv >"$dir/summary-weak.txt"
    rm -rf "$dir/plots"
    "$repo/scripts/plot.py" --out "$dir/plots" "$dir/summary.csv" "$dir/summary-weak.csv" >/dev/null
    # every study folder of the simulated study gets its page (scripts/report.py)
    local sub
    for sub in "$dir"/*/; do
        [[ -s "$sub/runs.csv" ]] || continue
        "$repo/scripts/report.py" --primes "$primes" "$sub" >/dev/null
    done
    study_index "$dir" "$((SECONDS - started))" >"$dir/index.md.tmp" && mv "$dir/index.md.tmp" "$dir/index.md"
    echo "study complete in $((SECONDS - started)) s: $dir (index.md, summary.txt, plots/)"
}

# study_index DIR SECONDS: the study's index.md: what ran where, the calibration, every series' speedups
# (median of the runs, and the fastest run's), what the simulation cost, the plots.
study_index() {
    local dir="$1" seconds="$2" name version simgrid
    name=$(basename "$dir")
    version=$("$repo/scripts/simulate.sh" run --platform this-machine -- -V) # SimGrid answers --version itself
    simgrid=$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c["simgrid_version"]; exit}' \
        "$dir"/strong-count-*/runs.csv)
    cat <<EOF2
# Simulated study $name

Made by \`scripts/simulate.sh study\` with $version on $(hostname -s 2>/dev/null || hostname), SimGrid $simgrid SMPI,
in $((seconds / 60)) min $((seconds % 60)) s of wall time (the calibration included). Every series is a folder of
scripts/study.sh (\`runs.csv\` with every run's provenance, \`study.json\`, the platform file it ran on);
[summary.txt](summary.txt) and [summary-weak.txt](summary-weak.txt) are \`primes analyze\`'s tables, and
docs/simulation.md says what the curves mean.

## Calibration ([calibration.txt](calibration.txt), every run in [calibration.csv](calibration.csv))

| case | ranks | real (median) | simulated (median) | simulated / real |
|---|---|---|---|---|
$(awk '$1 == "case" {printf "| %s | %s | %.4g s | %.4g s | %.3f |\n", $2, $4, $6, $8, $10}' "$dir/calibration.txt")

smpi/host-speed $(awk '$1 == "reference_speed" {print $2}' "$dir/calibration.txt"): one CPU second of a rank here is that many flops, and
every platform's cores do 1 Gflop/s.

## Speedups (strong scaling: median of the runs; in brackets the fastest run's)

$(awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i; next}
    { key = ($c["platform"] == "" ? "real, this machine" : $c["platform"]) " | " $c["kernel"] " " $c["n"]
      if (!(key in seen)) { seen[key] = 1; order[++k] = key; base[key] = $c["min_s"] }
      cell[key] = cell[key] sprintf(" %s: %.3g (%.3g);", $c["workers"], $c["speedup"], base[key] / $c["min_s"]) }
    END { for (i = 1; i <= k; i++) printf "- %s:%s\n", order[i], cell[order[i]] }' "$dir/summary.csv" | sed 's/;$//')

## What the simulation cost here ([simulator.csv](simulator.csv): wall time and peak memory of each run)

$(awk -F, 'NR > 1 && $2 >= 1024 {split($5, w, " "); key = $1 " " $2 " ranks, " w[1] " " w[3];
    if ($3 > t[key]) t[key] = $3; if ($4 > m[key]) m[key] = $4}
    END {for (k in t) printf "- %s: %.1f s, %.0f MiB\n", k, t[k], m[k] / 1024}' "$dir/simulator.csv" | sort)

## Plots

$(for f in "$dir"/plots/*-speedup.png "$dir"/plots/*-scaled-speedup.png; do
      [[ -e "$f" ]] && echo "![$(basename "$f" .png)](plots/$(basename "$f"))"
  done | sort -u)
EOF2
}

case "${1:-}" in
    -h | --help | "") usage; [[ -n "${1:-}" ]] || exit 2; exit 0 ;;
    run) shift; simulate_run "$@" ;;
    calibrate) shift; simulate_calibrate "$@" ;;
    study) shift; simulate_study "$@" ;;
    platform)
        [[ $# -eq 2 ]] || die_usage "platform needs one platform name or file (see --help)"
        file=$(platform_file "$2")
        slots=0
        [[ -f "${file%.xml}.hosts" ]] && slots=$(host_slots "${file%.xml}.hosts")
        echo "$file $slots"
        ;;
    platforms)
        for p in $(shipped_platforms); do
            # the first sentence of the comment atop the file
            printf '  %-16s %s\n' "$p" "$(sed -n '3,6p' "$platform_dir/$p.xml" | tr -s ' \n' ' ' |
                sed 's/^ *<!-- *//; s/^[a-z0-9-]*\.xml: *//; s/\. .*/./')"
        done
        ;;
    *) die_usage "unknown command '$1' (allowed: run, calibrate, study, platforms; see --help)" ;;
esac
