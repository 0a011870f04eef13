#!/usr/bin/env bats
# 10-one-node.bats: the real jobs/ scripts on a real one-node Slurm cluster (munge, slurmctld, slurmd with
# a private slurm.conf under a temporary directory): a strong, a weak and a hybrid study submitted with
# jobs/submit.sh and small n, then checked: COMPLETED, every row verified and whole, the analysis job after
# its dependencies, the binding of hybrid points, a job stopped by Slurm, a binary for another CPU.
load lib/checks

setup_file() {
    checks_file_setup
    [[ -z "$CLUSTER_SKIP" ]] || return 0
    export CLUSTER_TMP
    # Not under BATS_RUN_TMPDIR: munged wants every directory above its socket open to all (mode 0755).
    CLUSTER_TMP="$(mktemp -d /tmp/primes-cluster1.XXXXXX)"
    chmod 0755 "$CLUSTER_TMP"
    cluster_up_one "$CLUSTER_TMP/cluster"
    export OUT="$CLUSTER_TMP/study"
    # Every study the issue names, one node, small n; srun prints the CPU masks it binds (verbose).
    local output
    output=$(cd "$CLUSTER_TMP" && PRIMES_CPU_BIND=verbose,cores PRIMES_WARMUP=0 "$JOBS/submit.sh" \
        --nodes 1 --study strong,weak,hybrid --models "serial omp mpi hybrid" -n 2e7 --repeat 2 \
        --out "$OUT" --time 3 --analysis-time 2)
    echo "$output" >"$CLUSTER_TMP/submitted"
    mapfile -t ids < <(submit_ids "$output")
    [[ ${#ids[@]} -eq 4 ]] || { echo "submit.sh printed: $output" >&2; return 1; }
    export STRONG_ID=${ids[0]} WEAK_ID=${ids[1]} HYBRID_ID=${ids[2]} ANALYSIS_ID=${ids[3]}
}

teardown_file() { checks_file_teardown; }

setup() { checks_test_setup; }

# A test that fails half-way must not leave its job running: it would hold the node for the next tests.
teardown() {
    if [[ -n "${TEST_JOB:-}" ]]; then scancel "$TEST_JOB" 2>/dev/null || true; fi
}

@test "strong, weak and hybrid jobs complete; each wrote its own file of verified, whole rows" {
    wait_jobs 120 "$STRONG_ID" "$WEAK_ID" "$HYBRID_ID"
    for id in "$STRONG_ID" "$WEAK_ID" "$HYBRID_ID"; do job_state_is "$id" COMPLETED; done
    cores=$(nproc --all)
    [[ -f "$OUT/runs-strong-$STRONG_ID.csv" && -f "$OUT/runs-weak-$WEAK_ID.csv" && -f "$OUT/runs-hybrid-$HYBRID_ID.csv" ]]
    for f in "$OUT"/runs-*.csv; do rows_whole "$f"; done
    common=('all(r["verified"] == "exact" and r["verify_ok"] == "true" for r in rows)'
        'all(r["result"] == "1270607" for r in rows if r["n"] == "20000000")'
        'all(r["kernel"] == "count" for r in rows)')
    # strong: serial, omp and mpi and hybrid over 1, 2, ... cores; 2 repetitions each; n fixed.
    workers=$(wc -w <<<"$(bash -c "source '$JOBS/common.sh'; pj_powers_up_to $cores")")
    rows_assert "$OUT/runs-strong-$STRONG_ID.csv" "${common[@]}" \
        "len(rows) == 2 * (1 + 3 * $workers)" \
        "all(r['slurm_job_id'] == '$STRONG_ID' and r['n'] == '20000000' for r in rows)" \
        "set(r['model'] for r in rows) == {'serial', 'omp', 'mpi', 'hybrid'}" \
        "any(r['model'] == 'mpi' and r['ranks'] == '$cores' and r['threads'] == '1' for r in rows)" \
        "any(r['model'] == 'hybrid' and r['ranks'] == '1' and r['threads'] == '$cores' for r in rows)"
    # weak: P workers do P times the work of [0, 2e7) (primes analyze --weak-size; P x 2e7 without it).
    sizes=""
    for p in $(seq 1 "$cores"); do
        n=$("$PRIMES" analyze --weak-size 2e7 --kernel count --method sieve --workers "$p" 2>/dev/null) ||
            n=$((20000000 * p))
        sizes+="$p: $n, "
    done
    rows_assert "$OUT/runs-weak-$WEAK_ID.csv" \
        'all(r["verified"] == "exact" and r["verify_ok"] == "true" for r in rows)' \
        "all(int(r['n']) == {$sizes}[int(r['workers'])] for r in rows)" \
        "any(r['model'] == 'mpi' and r['ranks'] == '$cores' for r in rows)"
    # hybrid: R ranks x T threads filling the node, each a hybrid run with the OpenMP placement settings.
    rows_assert "$OUT/runs-hybrid-$HYBRID_ID.csv" "${common[@]}" \
        "all(r['model'] == 'hybrid' and int(r['ranks']) * int(r['threads']) == $cores for r in rows)" \
        "all('OMP_PLACES=cores' in r['omp_env'] and 'OMP_PROC_BIND=close' in r['omp_env'] for r in rows)" \
        "all('OMP_NUM_THREADS=' + r['threads'] in r['omp_env'] for r in rows)" \
        "any(r['ranks'] == '1' for r in rows) and any(r['threads'] == '1' for r in rows)"
}

@test "srun --mpi=pmix: the MPI points really ran several ranks (the cluster has no default MPI plugin)" {
    wait_jobs 120 "$STRONG_ID"
    grep -q '^MpiDefault=none' "$SLURM_CONF"
    grep -q 'launcher srun --mpi=pmix' "$OUT/strong-n1-$STRONG_ID.out"
    rows_assert "$OUT/runs-strong-$STRONG_ID.csv" \
        "all(int(r['ranks']) == int(r['workers']) // int(r['threads']) for r in rows)" \
        "any(r['model'] == 'mpi' and int(r['ranks']) > 1 and r['mpi_library'].startswith('Open MPI') for r in rows)"
}

@test "hybrid points: srun binds each rank to its own T cores (--cpu-bind=cores, --cpus-per-task=T)" {
    wait_jobs 120 "$HYBRID_ID"
    log="$OUT/hybrid-n1-$HYBRID_ID.out"
    cores=$(nproc --all)
    # srun --cpu-bind=verbose prints one line per task: "cpu-bind=MASK - NODE, task  I  I [PID]: mask 0xM set".
    python3 - "$log" "$cores" <<'EOF'
import re, sys
log, cores = open(sys.argv[1]).read(), int(sys.argv[2])
points = re.split(r"\] run \d+/\d+ \(round \d+/\d+\): ", log)[1:]
assert points, "no points in the log"
for p in points:
    m = re.match(r"hybrid, 1 node\(s\) x (\d+) rank\(s\) x (\d+) thread\(s\)", p)
    ranks, threads = int(m.group(1)), int(m.group(2))
    masks = [int(x, 16) for x in re.findall(r"cpu-bind=MASK - \S+, task +\d+ +\d+ \[\d+\]: mask (0x[0-9a-f]+) set", p)]
    assert len(masks) == ranks, f"{ranks}x{threads}: {len(masks)} binding lines"
    assert all(bin(m).count("1") == threads for m in masks), f"{ranks}x{threads}: masks {list(map(hex, masks))}"
    union = 0
    for m in masks:
        assert union & m == 0, f"{ranks}x{threads}: two ranks share a core: {list(map(hex, masks))}"
        union |= m
    print(f"{ranks} x {threads}: masks {[hex(m) for m in masks]}")
EOF
}

@test "the analysis job started only after every study job ended, and recorded so" {
    wait_jobs 120 "$STRONG_ID" "$WEAK_ID" "$HYBRID_ID" "$ANALYSIS_ID"
    record="$OUT/analysis-$ANALYSIS_ID.txt"
    [ -f "$record" ]
    grep -qx "after=$STRONG_ID $WEAK_ID $HYBRID_ID" "$record"
    started=$(sed -n 's/^started_epoch=//p' "$record")
    # The record's own view: each dependency COMPLETED, ended no later than the analysis started.
    for id in "$STRONG_ID" "$WEAK_ID" "$HYBRID_ID"; do
        line=$(grep "^dependency $id " "$record")
        [[ "$line" == *"state=COMPLETED"* ]]
        end=$(sed -n 's/.*end_epoch=\([0-9]*\).*/\1/p' <<<"$line")
        ((end <= started))
        # Slurm's own record (the job completion log) agrees.
        slurm_end=$(date -d "$(cluster_job_field "$id" EndTime)" +%s)
        slurm_start=$(date -d "$(cluster_job_field "$ANALYSIS_ID" StartTime)" +%s)
        ((slurm_end <= slurm_start))
    done
    grep -q "^run_file runs-strong-$STRONG_ID.csv rows=" "$record"
    # primes analyze: a binary from before it was built fails the job with "not built yet".
    if grep -q 'analyze: not built yet' "$OUT/analyze-$ANALYSIS_ID.out"; then
        job_state_is "$ANALYSIS_ID" FAILED
        echo "# this primes has no analyze yet: the analysis job ran in order and failed there" >&3
        return 0
    fi
    job_state_is "$ANALYSIS_ID" COMPLETED
    grep -qx 'analyze_status=0' "$record"
    for study in strong weak hybrid; do
        grep -qx "analyze_status $study=0" "$record"
        [ -s "$OUT/summary-$study.csv" ]
        # and its page, holding this study's rows
        grep -qx "report_status $study=0" "$record"
        grep -q "<h1>Scaling study" "$OUT/report-$study.html"
    done
    grep -q 'weak scaling' "$OUT/analyze-$ANALYSIS_ID.out"
    # The plots, where a python with matplotlib is found (CI installs python3-matplotlib).
    if "$REPO/scripts/plot.py" --probe >/dev/null 2>&1; then
        grep -qx 'plot_status=0' "$record"
        compgen -G "$OUT/plots/strong/*-speedup.png" >/dev/null
        compgen -G "$OUT/plots/weak/*-weak-efficiency.png" >/dev/null
    else
        grep -q '^plot_status=skipped (no python with matplotlib' "$record"
    fi
}

@test "a job stopped by Slurm (scancel: TERM, then KILL, as at a time limit) leaves whole rows only" {
    out="$CLUSTER_TMP/stopped"
    # Long enough to be stopped in the middle: many repetitions of a larger n.
    id=$(cd "$CLUSTER_TMP" && PRIMES_OUT="$out" PRIMES_N=1e9 PRIMES_REPEAT=400 PRIMES_MODELS=mpi PRIMES_VERIFY=0 \
        PRIMES_ROOT="$REPO" sbatch --parsable --time=3 --output="$out-%j.out" "$JOBS/strong.sbatch")
    TEST_JOB=$id
    csv="$out/runs-strong-$id.csv"
    deadline=$((SECONDS + 60))
    until [[ -f "$csv" && $(wc -l <"$csv") -ge 4 ]]; do
        ((SECONDS < deadline)) || { cat "$out-$id.out" >&2; false; }
        sleep 0.1
    done
    scancel "$id"
    wait_jobs 30 "$id"
    job_state_is "$id" CANCELLED "$out-$id.out"
    grep -q "stopped by SIGTERM" "$out-$id.out"
    rows=$(rows_whole "$csv")
    ((rows >= 3 && rows < 800))
    rows_assert "$csv" "all(r['result'] == '50847534' for r in rows)"
}

@test "a binary built for another CPU fails the job at once, with the ARCH= advice" {
    fake="$CLUSTER_TMP/fake-primes"
    printf '#!/bin/sh\nkill -ILL $$\n' >"$fake"
    chmod +x "$fake"
    out="$CLUSTER_TMP/sigill"
    # No PRIMES_ROOT: the job finds jobs/common.sh from the script's path that Slurm recorded.
    id=$(cd "$CLUSTER_TMP" && PRIMES="$fake" PRIMES_OUT="$out" \
        sbatch --parsable --time=2 --output="$out-%j.out" "$JOBS/hybrid.sbatch")
    TEST_JOB=$id
    wait_jobs 60 "$id"
    job_state_is "$id" FAILED "$out-$id.out"
    [[ "$(cluster_job_field "$id" ExitCode)" == 2:0 ]]
    grep -q "Illegal instruction" "$out-$id.out"
    grep -q "make ARCH=" "$out-$id.out"
    [ ! -e "$out/runs-hybrid-$id.csv" ]
}
