# common.bash: what every bats suite of primes loads: the binary, a scratch directory, JSON field checks.
PRIMES="${PRIMES:-$BATS_TEST_DIRNAME/../../primes}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

setup() {
    SCRATCH="$(mktemp -d "${BATS_TMPDIR:-/tmp}/primes-test.XXXXXX")"
}

teardown() {
    rm -rf "$SCRATCH"
}

# json_get KEY [KEY...] < one JSON object: prints the value at that path (python3 stdlib only).
json_get() {
    python3 -c '
import json, sys
v = json.loads(sys.stdin.readline())
for k in sys.argv[1:]:
    v = v[k]
print(json.dumps(v) if isinstance(v, (dict, list, bool)) or v is None else v)
' "$@"
}

# json_type KEY: prints the Python type name of a top-level field.
json_type() {
    python3 -c '
import json, sys
print(type(json.loads(sys.stdin.readline())[sys.argv[1]]).__name__)
' "$1"
}

# wait_for_temporary DIR: waits (up to 15 s) until a run's temporary (.primes-XXXXXX) exists in DIR
wait_for_temporary() {
    local i
    for i in $(seq 300); do
        compgen -G "$1/.primes-*" >/dev/null && return 0
        sleep 0.05
    done
    echo "no temporary appeared in $1"
    return 1
}

# check_usage EXPECTED COMMAND...: COMMAND is refused as bad usage: status 2, nothing on stdout, one line
# on stderr holding EXPECTED and naming what is allowed.
check_usage() {
    local expected="$1" status=0
    shift
    "$@" >"$SCRATCH/usage.out" 2>"$SCRATCH/usage.err" 3>&- || status=$?
    [ "$status" -eq 2 ] || { echo "status $status for: $*"; cat "$SCRATCH/usage.err"; return 1; }
    [ ! -s "$SCRATCH/usage.out" ] || { echo "stdout not empty for: $*"; head "$SCRATCH/usage.out"; return 1; }
    [ "$(wc -l <"$SCRATCH/usage.err")" -eq 1 ] ||
        { echo "stderr has $(wc -l <"$SCRATCH/usage.err") lines for: $*"; head "$SCRATCH/usage.err"; return 1; }
    grep -qF -- "$expected" "$SCRATCH/usage.err" || { echo "expected '$expected' in:"; cat "$SCRATCH/usage.err"; return 1; }
    grep -q "allowed" "$SCRATCH/usage.err" || { echo "no allowed values named:"; cat "$SCRATCH/usage.err"; return 1; }
}

# memory_cgroup LIMIT_BYTES: makes a child of this process's memory cgroup (v2, else v1) limited to
# LIMIT_BYTES and prints its directory; fails when none can be made (not root, no memory controller).
# in_memory_cgroup DIR CMD...: runs CMD inside it. Remove it with rmdir when its processes have ended.
memory_cgroup() {
    local limit=$1 line rel dir
    line=$(grep -m1 '^0::' /proc/self/cgroup || true)
    if [[ -n $line && -e /sys/fs/cgroup/cgroup.controllers ]] && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
        rel=${line#0::}
        dir=/sys/fs/cgroup${rel%/}/primes-test-$$-$RANDOM
        mkdir "$dir" 2>/dev/null && echo "$limit" >"$dir/memory.max" 2>/dev/null && { echo "$dir"; return 0; }
        rmdir "$dir" 2>/dev/null || true
    fi
    line=$(grep -m1 ':memory:' /proc/self/cgroup || true)
    [[ -n $line ]] || return 1
    rel=${line#*:memory:}
    dir=/sys/fs/cgroup/memory${rel%/}/primes-test-$$-$RANDOM
    mkdir "$dir" 2>/dev/null && echo "$limit" >"$dir/memory.limit_in_bytes" 2>/dev/null && { echo "$dir"; return 0; }
    rmdir "$dir" 2>/dev/null || true
    return 1
}

in_memory_cgroup() {
    local dir=$1
    shift
    sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$dir" "$@"
}
