# shellcheck shell=bash
# checks.bash: what the cluster suites share: the binary, the guard that skips where no cluster can run,
# waiting for jobs, and checks of the result rows.
#   load lib/checks   (from a tests/cluster/*.bats file; it loads cluster.bash too)

# shellcheck source-path=SCRIPTDIR source=cluster.bash disable=SC1091 # followed with -x
source "$BATS_TEST_DIRNAME/lib/cluster.bash"
# shellcheck source-path=SCRIPTDIR source=../../lib/common.bash disable=SC1091 # followed with -x
source "$BATS_TEST_DIRNAME/../lib/common.bash"

export REPO JOBS
REPO="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
JOBS="$REPO/jobs"

# checks_file_setup [multi]: in setup_file: the binary made absolute (jobs run elsewhere), the caller's
# PRIMES_* parameters dropped (the tests choose every one), and CLUSTER_SKIP set where no cluster can run.
checks_file_setup() {
    PRIMES="$(cd "$(dirname "$PRIMES")" && pwd)/$(basename "$PRIMES")"
    [[ -x "$PRIMES" ]] || { echo "no primes binary at $PRIMES (make, or PRIMES=...)" >&2; return 1; }
    export PRIMES
    local v
    for v in $(compgen -e PRIMES_); do unset "$v"; done
    export CLUSTER_SKIP=""
    local reason
    if reason=$(cluster_unavailable "${1:-}"); then
        CLUSTER_SKIP="cluster tests skipped: $reason"
        echo "# $CLUSTER_SKIP" >&3
    fi
}

# In each test's setup: skip with the reason when the file's cluster could not be brought up here.
checks_skip_unless_cluster() {
    [[ -z "${CLUSTER_SKIP:-}" ]] || skip "$CLUSTER_SKIP"
}

# checks_test_setup: each test's setup in a file that brought up a cluster under $CLUSTER_TMP: skip where
# it could not, else the cluster's environment (its env file: SLURM_CONF and CLUSTER_*).
checks_test_setup() {
    checks_skip_unless_cluster
    # shellcheck source=/dev/null
    source "$CLUSTER_TMP/cluster/env"
}

# checks_file_teardown: in teardown_file: the cluster under $CLUSTER_TMP stopped and its files removed.
checks_file_teardown() {
    [[ -z "${CLUSTER_TMP:-}" ]] && return 0
    cluster_down "$CLUSTER_TMP/cluster"
    rm -rf "$CLUSTER_TMP"
}

# submit_ids OUTPUT: the job ids jobs/submit.sh printed, in order (the analysis last).
submit_ids() {
    grep -o ': job [0-9]*$' <<<"$1" | awk '{print $3}'
}

# wait_jobs TIMEOUT ID...: cluster_wait, and on a timeout the logs that explain it.
wait_jobs() {
    local timeout=$1
    shift
    if ! cluster_wait "$timeout" "$@"; then
        tail -n 20 "$CLUSTER_DIR"/log/*.log >&2 || true
        return 1
    fi
}

# job_state_is ID STATE [LOG]: the job ended in STATE; else prints its record, the errors and the end of its
# log (OUT/*-ID.out, or LOG), and what the daemons logged about it.
job_state_is() {
    local id=$1 want=$2 state
    state=$(cluster_job_field "$id" JobState)
    if [[ "$state" != "$want" ]]; then
        echo "job $id: JobState=$state, expected $want" >&2
        grep "^JobId=$id " "$CLUSTER_DIR/jobcomp.txt" >&2 || true
        local out
        for out in "${OUT:-/nonexistent}"/*-"$id".out ${3:+"$3"}; do
            [[ -f "$out" ]] || continue
            echo "--- $out: the points it ran, its errors and any backtrace, then its end" >&2
            grep -n -i -E '^\[[0-9:]+\] +run [0-9]+/|error|failed|terminated|killed|abort|signal|^\[[^]]*\] \[ *[0-9]+\] ' \
                "$out" | head -n 60 >&2 || true
            tail -n 15 "$out" >&2
        done
        echo "--- slurmd and slurmctld errors about job $id" >&2
        grep -h -E "(\[$id\.|JobId=$id |job $id ).*(error|fail|kill)" "$CLUSTER_DIR"/log/*.log | head -n 20 >&2 || true
        return 1
    fi
}

# rows_assert FILE EXPR...: each Python expression over `rows` (the file's rows, dicts of strings) holds;
# else prints the expression and the rows.
rows_assert() {
    python3 - "$@" <<'EOF'
import csv, sys
path, exprs = sys.argv[1], sys.argv[2:]
with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
def hosts(r):
    return sorted(h for h in r["hosts"].split(",") if h)
failed = [e for e in exprs if not eval(e, {"rows": rows, "hosts": hosts, "int": int, "len": len, "all": all,
                                            "any": any, "set": set, "sorted": sorted, "sum": sum})]
if failed:
    for e in failed:
        print(f"rows of {path}: failed: {e}", file=sys.stderr)
    for r in rows:
        print("  " + " ".join(f"{k}={r[k]}" for k in ("model", "ranks", "threads", "n", "result", "verified",
              "verify_ok", "hosts", "slurm_job_id", "slurm_nodelist")), file=sys.stderr)
    sys.exit(1)
EOF
}

# rows_whole FILE: every line of the CSV is a complete row: as many fields as the header, newline-ended,
# and the header only once.
rows_whole() {
    python3 - "$1" <<'EOF'
import csv, sys
path = sys.argv[1]
data = open(path, newline="").read()
assert data.endswith("\n"), f"{path}: the last line has no newline (cut short)"
lines = list(csv.reader(data.splitlines()))
header = lines[0]
bad = [i + 1 for i, l in enumerate(lines) if len(l) != len(header)]
assert not bad, f"{path}: lines {bad} do not have the header's {len(header)} fields"
assert sum(1 for l in lines if l == header) == 1, f"{path}: the header appears more than once"
print(len(lines) - 1)
EOF
}
