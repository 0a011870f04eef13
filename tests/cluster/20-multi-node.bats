#!/usr/bin/env bats
# 20-multi-node.bats: a three-node virtual cluster (one slurmd per network namespace, each with its own
# host name and address on a private bridge, no default route): jobs/submit.sh --nodes 1,2 runs a 1-node
# and a 2-node job side by side whose rows show the ranks on distinct hosts, the analysis after both; the
# hybrid sweep launched by mpirun inside a 2-node allocation; the MPICH build's sweep by srun --mpi=pmi2, and
# its refusal of the other library's launcher; and mpirun across the namespaces without
# Slurm (a hostfile and an rsh agent that enters a namespace instead of ssh), equal to the serial result.
# shellcheck disable=SC2154 # $stderr comes from bats: run --separate-stderr
load lib/checks
bats_require_minimum_version 1.5.0

setup_file() {
    checks_file_setup multi
    [[ -z "$CLUSTER_SKIP" ]] || return 0
    export CLUSTER_TMP
    # Not under BATS_RUN_TMPDIR: munged wants every directory above its socket open to all (mode 0755).
    CLUSTER_TMP="$(mktemp -d /tmp/primes-cluster3.XXXXXX)"
    chmod 0755 "$CLUSTER_TMP"
    cluster_up_multi "$CLUSTER_TMP/cluster" 3
    export OUT="$CLUSTER_TMP/study"
    local output
    output=$(cd "$CLUSTER_TMP" && PRIMES_WARMUP=0 "$JOBS/submit.sh" --nodes 1,2 --study strong \
        --models "mpi hybrid" -n 2e7 --repeat 2 --out "$OUT" --time 3 --analysis-time 2)
    echo "$output" >"$CLUSTER_TMP/submitted"
    mapfile -t ids < <(submit_ids "$output")
    [[ ${#ids[@]} -eq 3 ]] || { echo "submit.sh printed: $output" >&2; return 1; }
    export ONE_ID=${ids[0]} TWO_ID=${ids[1]} ANALYSIS_ID=${ids[2]}
    # The same kind of job with mpirun as the launcher, queued behind them.
    export MPIRUN_OUT="$CLUSTER_TMP/mpirun"
    MPIRUN_ID=$(cd "$CLUSTER_TMP" && PRIMES_LAUNCHER=mpirun PRIMES_OUT="$MPIRUN_OUT" PRIMES_N=2e7 \
        PRIMES_REPEAT=2 PRIMES_WARMUP=0 PRIMES_ROOT="$REPO" \
        sbatch --parsable --nodes=2 --time=3 --output="$MPIRUN_OUT-%j.out" "$JOBS/hybrid.sbatch")
    export MPIRUN_ID
    # The MPICH build (make MPI_IMPL=mpich): a strong sweep by srun, whose plugin the job picks from the
    # binary's library (pmi2). (Hydra's mpiexec across these nodes is not tried: its proxies look the
    # node names up, and the namespaces have no name service; docs/install.md.)
    export MPICH_PRIMES="$REPO/build/mpich/primes" MPICH_OUT="$CLUSTER_TMP/mpich"
    [[ -x "$MPICH_PRIMES" ]] || { echo "no $MPICH_PRIMES (make mpich)" >&2; return 1; }
    MPICH_SRUN_ID=$(cd "$CLUSTER_TMP" && PRIMES="$MPICH_PRIMES" PRIMES_OUT="$MPICH_OUT" PRIMES_N=2e7 \
        PRIMES_MODELS="mpi hybrid" PRIMES_REPEAT=1 PRIMES_WARMUP=0 PRIMES_ROOT="$REPO" \
        sbatch --parsable --nodes=2 --time=3 --output="$MPICH_OUT-%j.out" "$JOBS/strong.sbatch")
    export MPICH_SRUN_ID
}

teardown_file() { checks_file_teardown; }

setup() { checks_test_setup; }

teardown() { :; }

@test "a --nodes=2 job puts its ranks on two distinct hosts, as its rows show; a 1-node job runs beside it" {
    wait_jobs 120 "$ONE_ID" "$TWO_ID"
    job_state_is "$ONE_ID" COMPLETED
    job_state_is "$TWO_ID" COMPLETED
    two_nodes=$(scontrol show hostnames "$(cluster_job_field "$TWO_ID" NodeList)" | sort | paste -sd,)
    one_node=$(cluster_job_field "$ONE_ID" NodeList)
    [[ "$two_nodes" == vnode?,vnode? && "$one_node" == vnode? && "$two_nodes" != *"$one_node"* ]]
    rows_whole "$OUT/runs-strong-$TWO_ID.csv"
    rows_assert "$OUT/runs-strong-$TWO_ID.csv" \
        "len(rows) == 2 * 2 * len(set(r['workers'] for r in rows if r['model'] == 'mpi'))" \
        "all(r['verify_ok'] == 'true' and r['result'] == '1270607' for r in rows)" \
        "all(','.join(hosts(r)) == '$two_nodes' for r in rows)" \
        "all(int(r['ranks']) >= 2 and r['slurm_job_id'] == '$TWO_ID' for r in rows)" \
        "any(r['model'] == 'hybrid' and r['ranks'] == '2' and int(r['threads']) == $(nproc --all) for r in rows)"
    rows_assert "$OUT/runs-strong-$ONE_ID.csv" \
        "all(r['verify_ok'] == 'true' and hosts(r) == ['$one_node'] for r in rows)"
    # Side by side: both ran at once, on the three nodes between them.
    epoch() { date -d "$(cluster_job_field "$1" "$2")" +%s; }
    (($(epoch "$ONE_ID" StartTime) <= $(epoch "$TWO_ID" EndTime)))
    (($(epoch "$TWO_ID" StartTime) <= $(epoch "$ONE_ID" EndTime)))
}

@test "the analysis job ran after both node counts' jobs" {
    wait_jobs 120 "$ONE_ID" "$TWO_ID" "$ANALYSIS_ID"
    record="$OUT/analysis-$ANALYSIS_ID.txt"
    grep -qx "after=$ONE_ID $TWO_ID" "$record"
    started=$(sed -n 's/^started_epoch=//p' "$record")
    for id in "$ONE_ID" "$TWO_ID"; do
        end=$(grep "^dependency $id state=COMPLETED " "$record" | sed -n 's/.*end_epoch=\([0-9]*\).*/\1/p')
        [[ -n "$end" ]] && ((end <= started))
    done
    grep -q "^run_file runs-strong-$ONE_ID.csv rows=" "$record"
    grep -q "^run_file runs-strong-$TWO_ID.csv rows=" "$record"
    if ! grep -q 'analyze: not built yet' "$OUT/analyze-$ANALYSIS_ID.out"; then
        job_state_is "$ANALYSIS_ID" COMPLETED
        [ -s "$OUT/summary-strong.csv" ]
    fi
}

@test "PRIMES_LAUNCHER=mpirun: the hybrid sweep across two nodes, launched by mpirun in the allocation" {
    wait_jobs 120 "$MPIRUN_ID"
    job_state_is "$MPIRUN_ID" COMPLETED "$MPIRUN_OUT-$MPIRUN_ID.out"
    grep -q "launcher mpirun" "$MPIRUN_OUT-$MPIRUN_ID.out"
    nodes=$(scontrol show hostnames "$(cluster_job_field "$MPIRUN_ID" NodeList)" | sort | paste -sd,)
    cores=$(nproc --all)
    rows_whole "$MPIRUN_OUT/runs-hybrid-$MPIRUN_ID.csv"
    rows_assert "$MPIRUN_OUT/runs-hybrid-$MPIRUN_ID.csv" \
        "all(r['verify_ok'] == 'true' and r['result'] == '1270607' for r in rows)" \
        "all(','.join(hosts(r)) == '$nodes' for r in rows)" \
        "all(int(r['ranks']) * int(r['threads']) == 2 * $cores for r in rows)" \
        "all(r['model'] == 'hybrid' and 'OMP_PROC_BIND=close' in r['omp_env'] for r in rows)"
}

# mpirun_ns ARGS...: mpirun over the namespaces, no Slurm: the agent enters a node instead of ssh, and
# Open MPI's daemons and ranks talk over the bridge's subnet only.
mpirun_ns() {
    OMPI_MCA_plm=rsh OMPI_MCA_plm_rsh_agent="$BATS_TEST_DIRNAME/lib/ns-rsh" \
        OMPI_MCA_oob_tcp_if_include="$CLUSTER_SUBNET" OMPI_MCA_btl_tcp_if_include="$CLUSTER_SUBNET" \
        OMPI_MCA_btl=self,vader,tcp timeout 60 mpirun --hostfile "$CLUSTER_TMP/hostfile" "$@"
}

@test "mpirun across the namespaces without Slurm: 6 ranks on 3 hosts give the serial answer" {
    for node in ${CLUSTER_NODES//,/ }; do echo "$node slots=2"; done >"$CLUSTER_TMP/hostfile"
    declare -A before
    for node in ${CLUSTER_NODES//,/ }; do
        before[$node]=$(cat "/sys/class/net/$(cluster_veth_of "$node")/statistics/rx_bytes")
    done
    serial=$("$PRIMES" count -n 1e8 --json | json_get result)
    run --separate-stderr mpirun_ns -np 6 "$PRIMES" count -n 1e8 -m mpi --json
    echo "$stderr" >&2
    [ "$status" -eq 0 ]
    [ "$(json_get result <<<"$output")" = "$serial" ]
    [ "$(json_get ranks <<<"$output")" = 6 ]
    [ "$(json_get hosts <<<"$output" | tr ',' '\n' | sort | paste -sd,)" = "$CLUSTER_NODES" ]
    # The product: a variable-size GMP number merged over TCP between hosts, bit for bit the serial one.
    serial=$("$PRIMES" product -n 1e5 --json | json_get result)
    run --separate-stderr mpirun_ns -np 6 "$PRIMES" product -n 1e5 -m mpi --json
    echo "$stderr" >&2
    [ "$status" -eq 0 ]
    [ "$(json_get result <<<"$output")" = "$serial" ]
    # Every node sent traffic over its link (rx_bytes of the link's end on the bridge).
    for node in ${CLUSTER_NODES//,/ }; do
        after=$(cat "/sys/class/net/$(cluster_veth_of "$node")/statistics/rx_bytes")
        ((after > before[$node]))
    done
}

@test "the dynamic and guided schedules across hosts (work requests to rank 0 over TCP)" {
    for schedule in dynamic guided; do
        run --separate-stderr srun --mpi=pmix --nodes=2 --ntasks=3 --time=1 "$PRIMES" product -n 3e5 -m mpi \
            --schedule "$schedule,3000" --json
        echo "$stderr" >&2
        [ "$status" -eq 0 ]
        [ "$(json_get result mod_m61 <<<"$output")" = "$("$PRIMES" product -n 3e5 --json | json_get result mod_m61)" ]
        [ "$(json_get hosts <<<"$output" | tr ',' '\n' | wc -l)" -eq 2 ]
    done
}

@test "hybrid, one rank per node with many threads: every rank gets items, on many threads (one region)" {
    # The defect this pins: grants of 4 x threads and implicit first grants gave rank 0 all 64 items
    run --separate-stderr srun --mpi=pmix --nodes=3 --ntasks=3 --ntasks-per-node=1 --cpus-per-task=2 --time=1 \
        --export=ALL,OMP_NUM_THREADS=16 "$PRIMES" count -n 1e10 -m hybrid -t 16 -q --json \
        --trace "$CLUSTER_TMP/hybrid-trace.csv"
    echo "$stderr" >&2
    [ "$status" -eq 0 ]
    [ "$(json_get result <<<"$output")" = 455052511 ]
    [ "$(json_get ranks <<<"$output")" = 3 ]
    [ "$(json_get threads <<<"$output")" = 16 ]
    # the default items follow the 48 workers: 4 each
    [ "$(json_get items <<<"$output")" -ge 192 ]
    python3 - "$CLUSTER_TMP/hybrid-trace.csv" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
per_rank = collections.Counter(r["rank"] for r in rows)
hosts = {r["rank"]: r["host"] for r in rows}
threads = collections.defaultdict(set)
for r in rows:
    threads[r["rank"]].add(r["thread"])
assert sorted(per_rank) == ["0", "1", "2"], per_rank
assert len(set(hosts.values())) == 3, hosts
# no rank got most of the work (16 threads share 2 CPUs on each node: the shares follow the CPUs)
assert max(per_rank.values()) <= len(rows) / 2, per_rank
# every rank's items ran on several of its threads, not on its master thread alone
assert all(len(t) >= 2 for t in threads.values()), {k: sorted(v) for k, v in threads.items()}
print("items per rank", dict(per_rank), "threads with items", {k: len(v) for k, v in threads.items()})
PY
}

@test "MPICH: the strong sweep across two nodes by srun --mpi=pmi2, picked from the binary's library" {
    wait_jobs 180 "$MPICH_SRUN_ID"
    job_state_is "$MPICH_SRUN_ID" COMPLETED "$MPICH_OUT-$MPICH_SRUN_ID.out"
    grep -q "launcher srun --mpi=pmi2, MPI library mpich" "$MPICH_OUT-$MPICH_SRUN_ID.out"
    f="$MPICH_OUT/runs-strong-$MPICH_SRUN_ID.csv"
    rows_whole "$f"
    rows_assert "$f" \
        "all(r['verify_ok'] == 'true' and r['result'] == '1270607' for r in rows)" \
        "all(len(set(hosts(r))) == 2 and int(r['ranks']) >= 2 for r in rows)" \
        "all(r['mpi_library'].startswith('MPICH Version: 4') for r in rows)"
}

@test "MPICH's binary under srun --mpi=pmix is refused by rank 0 in one line naming both, not run as lone ranks" {
    run --separate-stderr srun --mpi=pmix --nodes=2 --ntasks=2 --time=1 "$REPO/build/mpich/primes" -n 1e8 --json
    [ "$status" -ne 0 ]
    [ -z "$output" ]
    [ "$(grep -c '^primes:' <<<"$stderr")" -eq 1 ] || { echo "$stderr"; return 1; }
    grep -q "^primes: started by srun --mpi=pmix (SLURM_NTASKS=2) as 2 ranks, but this binary's MPI library (MPICH Version: 4.*allowed: MPICH's mpiexec (mpiexec.mpich) or srun --mpi=pmi2)$" <<<"$stderr"
}
