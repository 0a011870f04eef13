# shellcheck shell=bash
# cluster.bash: brings a private, real Slurm cluster up on this machine and takes it down again, for the
# cluster tests (tests/cluster/*.bats) and for trying jobs/ by hand. Everything lives in one directory: a
# munged with its own key and socket, slurmctld, and one slurmd per node, with a private slurm.conf,
# random free ports and per-run names, so nothing clashes with a site's Slurm, with a leftover of a crashed
# run or with a second run at the same time. Needs root; the multi-node cluster needs network namespaces.
#
#   cluster_up_one DIR            one node on 127.0.0.1 (its host name is this machine's)
#   cluster_up_multi DIR NODES    NODES nodes vnode1..: each a network namespace with its own host name and
#                                 address on a private bridge (no default route), one slurmd in each
#   cluster_down DIR              cancels the jobs, stops the daemons by pid, kills what is left in the
#                                 namespaces, deletes namespaces and links, removes DIR; safe to repeat
#   cluster_unavailable [multi]   prints why this machine cannot run a cluster (no root, no network
#                                 namespaces) and returns 0; returns 1 when it can
#   cluster_wait TIMEOUT ID...    waits until the jobs left the queue; 1 on timeout
#   cluster_job_field ID KEY      a field (JobState, StartTime, EndTime, NodeList, ...) of a job
#   cluster_ns_of NODE, cluster_veth_of NODE   a multi-node cluster's namespace and bridge link of NODE
# A bring-up that fails takes down what it made. Afterwards DIR/env holds SLURM_CONF and CLUSTER_*.
#
# By hand:  bash tests/cluster/lib/cluster.bash up-one | up-multi [NODES]   prints DIR; then
#           source DIR/env, sbatch ..., and  bash tests/cluster/lib/cluster.bash down DIR

CLUSTER_LIB="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

cluster_log() { printf 'cluster: %s\n' "$*" >&2; }

# cluster_unavailable [multi]: the reason this machine cannot run a test cluster, or status 1 when it can.
cluster_unavailable() {
    if [[ $(id -u) -ne 0 ]]; then
        echo "needs root (Slurm daemons, munge, network namespaces); run the suite as root, as CI does"
        return 0
    fi
    if [[ "${1:-}" == multi ]]; then
        if ! command -v ip >/dev/null 2>&1 || ! command -v nsenter >/dev/null 2>&1 ||
            ! command -v unshare >/dev/null 2>&1; then
            echo "needs ip (iproute2), nsenter and unshare (util-linux) for network namespaces"
            return 0
        fi
        local probe="pcprobe$$x$RANDOM"
        if ! ip netns add "$probe" >/dev/null 2>&1; then
            echo "this machine cannot create network namespaces (ip netns add failed)"
            return 0
        fi
        ip netns delete "$probe" >/dev/null 2>&1 || true
    fi
    return 1
}

# cluster_missing_tools: the programs a cluster needs that are not installed, one per line.
cluster_missing_tools() {
    local t
    for t in munged mungekey munge unmunge slurmctld slurmd sbatch srun squeue scontrol scancel sinfo ss; do
        command -v "$t" >/dev/null 2>&1 || printf '%s\n' "$t"
    done
}

# cluster_up_one DIR / cluster_up_multi DIR NODES: the bring-up runs in a child bash with errexit (errexit
# is void inside a function called from a condition), then this shell takes over its settings.
cluster_up_one() { _cluster_up one "$1"; }
cluster_up_multi() { _cluster_up multi "$1" "${2:-3}"; }

_cluster_up() {
    local kind=$1 dir=$2 nodes=${3:-1}
    [[ "$dir" == /* ]] || { cluster_log "cluster_up: need an absolute directory, got '$dir'"; return 1; }
    local missing
    missing=$(cluster_missing_tools | tr '\n' ' ')
    if [[ -n "$missing" ]]; then
        cluster_log "missing programs: $missing(scripts/install-deps.sh installs them)"
        return 1
    fi
    # Clients in this shell and the jobs they submit must not inherit another allocation's settings.
    local v
    for v in $(compgen -e SLURM_); do unset "$v"; done
    if ! bash "$CLUSTER_LIB" _up "$kind" "$dir" "$nodes"; then
        cluster_log "bringing the $kind-node cluster up failed (above); taking down what was made"
        cluster_down "$dir"
        return 1
    fi
    # shellcheck source=/dev/null
    source "$dir/env"
}

# --- bring-up steps (run by `cluster.bash _up`, under set -euo pipefail) ---------------------------------

_cluster_record() { printf '%s\n' "$*" >>"$CLUSTER_DIR/cluster.state"; }

# _cluster_free_port: a TCP port nobody listens on.
_cluster_free_port() {
    local port tries
    for tries in $(seq 1 200); do
        port=$((20000 + RANDOM % 30000))
        if [[ -z "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]]; then
            echo "$port"
            return 0
        fi
    done
    cluster_log "no free TCP port after $tries tries"
    return 1
}

# _cluster_wait_for TIMEOUT DESCRIPTION CMD...: runs CMD every 0.1 s until it succeeds (status 0) or
# gives up (status 2: no point in waiting longer).
_cluster_wait_for() {
    local timeout=$1 what=$2 status
    shift 2
    local deadline=$((SECONDS + timeout))
    while :; do
        status=0
        "$@" >/dev/null 2>&1 || status=$?
        [[ $status -eq 0 ]] && return 0
        if [[ $status -eq 2 ]]; then
            cluster_log "gave up waiting for $what"
            return 1
        fi
        if ((SECONDS >= deadline)); then
            cluster_log "timed out after ${timeout}s waiting for $what"
            return 1
        fi
        sleep 0.1
    done
}

# _cluster_daemon_started NAME PIDFILE LOG: waits for the pid file, records the pid, and checks the daemon
# is still alive a moment later (Slurm's daemons fork, write the pid file, and may then die of a fatal).
_cluster_daemon_started() {
    local name=$1 pidfile=$2 log=$3 pid
    _cluster_wait_for 10 "$name's pid file" test -s "$pidfile"
    pid=$(cat "$pidfile")
    _cluster_record "pid $name $pid"
    sleep 0.2
    if ! kill -0 "$pid" 2>/dev/null; then
        cluster_log "$name died: $(tail -n 5 "$log" 2>/dev/null)"
        return 1
    fi
}

_cluster_start_munge() {
    local d="$CLUSTER_DIR/munge"
    install -d -m 0755 "$d"
    mungekey --create --keyfile="$d/munge.key" --bits=1024
    munged --socket="$d/munge.sock" --key-file="$d/munge.key" --log-file="$d/munged.log" \
        --pid-file="$d/munged.pid" --seed-file="$d/munged.seed" --num-threads=4 ||
        { cluster_log "munged failed: $(tail -n 3 "$d/munged.log" 2>/dev/null)"; return 1; }
    _cluster_daemon_started munged "$d/munged.pid" "$d/munged.log"
    # shellcheck disable=SC2016 # $1 is expanded by sh
    _cluster_wait_for 10 "munge to answer" sh -c 'munge -S "$1" -n | unmunge -S "$1"' sh "$d/munge.sock"
}

# _cluster_write_conf CONTROLLER_ADDR NODE_LINE: the private slurm.conf and DIR/env.
_cluster_write_conf() {
    local ctl_addr=$1 node_line=$2 d="$CLUSTER_DIR"
    install -d -m 0755 "$d/ctld" "$d/spool" "$d/log" "$d/tmp" "$d/run"
    : >"$d/plugstack.conf"
    cat >"$d/slurm.conf" <<EOF
# A private test cluster made by tests/cluster/lib/cluster.bash; everything lives under $d.
ClusterName=$CLUSTER_NAME
SlurmctldHost=$(hostname -s)($ctl_addr)
SlurmctldPort=$CLUSTER_CTL_PORT
SlurmdPort=$CLUSTER_NODE_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# No default MPI plugin: the job scripts must ask for --mpi=pmix themselves.
MpiDefault=none
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$d/jobcomp.txt
StateSaveLocation=$d/ctld
SlurmdSpoolDir=$d/spool/%n
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd-%n.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd-%n.log
TmpFS=$d/tmp/%n
PlugStackConfig=$d/plugstack.conf
MailProg=/bin/true
ReturnToService=2
KillWait=2
MinJobAge=600
InactiveLimit=0
$node_line
PartitionName=debug Nodes=ALL Default=YES DefaultTime=00:05:00 MaxTime=00:10:00 State=UP
# A job asking for more than MaxTime is refused at sbatch, not left pending for ever.
EnforcePartLimits=ALL
EOF
    # The site's PMIx settings for the steps srun --mpi=pmix starts (read beside slurm.conf). Debian 12's
    # Open MPI 4.1.4 with PMIx 4.2.2 under Slurm 22.05 fails about one start in 25 of a step with two ranks
    # per node (a rank cannot open its peer's shared-memory segment and crashes in MPI_Init; a plain MPI
    # hello does it too) while the clients read the job's data from PMIx's shared-memory store (gds ds21):
    # 6 of 150 starts here, none of 180 with the store kept in the server (gds hash). docs/cluster.md.
    cat >"$d/mpi.conf" <<EOF
PMIxEnv=PMIX_MCA_gds=hash
EOF
    cat >"$d/env" <<EOF
export SLURM_CONF='$d/slurm.conf'
export CLUSTER_DIR='$d'
export CLUSTER_NAME='$CLUSTER_NAME'
EOF
}

_cluster_start_controller() {
    slurmctld -c -f "$CLUSTER_DIR/slurm.conf"
    _cluster_daemon_started slurmctld "$CLUSTER_DIR/run/slurmctld.pid" "$CLUSTER_DIR/log/slurmctld.log"
    _cluster_wait_for 20 "slurmctld to answer" sh -c 'scontrol ping | grep -q "is UP"'
}

# _cluster_wait_idle COUNT: waits until COUNT nodes are idle.
_cluster_wait_idle() {
    local want=$1
    # shellcheck disable=SC2016 # $1 is expanded by sh
    if ! _cluster_wait_for 30 "$want idle node(s)" \
        sh -c '[ "$(sinfo -h -N -o %t | grep -c "^idle")" -ge "$1" ]' sh "$want"; then
        sinfo -N >&2 || true
        tail -n 5 "$CLUSTER_DIR"/log/*.log >&2 || true
        return 1
    fi
}

_cluster_up_one() {
    local cpus mem
    cpus=$(nproc --all)
    mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 / 2))
    _cluster_write_conf 127.0.0.1 \
        "NodeName=pcnode NodeHostname=$(hostname -s) NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN"
    echo "export CLUSTER_NODES='pcnode'" >>"$CLUSTER_DIR/env"
    install -d -m 1777 "$CLUSTER_DIR/tmp/pcnode"
    _cluster_start_munge
    _cluster_start_controller
    slurmd -f "$CLUSTER_DIR/slurm.conf" -N pcnode
    _cluster_daemon_started slurmd-pcnode "$CLUSTER_DIR/run/slurmd-pcnode.pid" "$CLUSTER_DIR/log/slurmd-pcnode.log"
    _cluster_wait_idle 1
}

# _cluster_pick_subnet: a 10.213.X (/24) that no address or route of this machine uses.
_cluster_pick_subnet() {
    local x tries
    for tries in $(seq 1 100); do
        x=$((1 + RANDOM % 254))
        if ! ip -4 route show | grep -q "10\.213\.$x\." && ! ip -4 addr show | grep -q "inet 10\.213\.$x\."; then
            echo "10.213.$x"
            return 0
        fi
    done
    cluster_log "no free 10.213.x.0/24 subnet after $tries tries"
    return 1
}

_cluster_up_multi() {
    local nodes=$1 net bridge cpus mem i ns veth addrs=() names=()
    net=$(_cluster_pick_subnet)
    bridge="pcbr$CLUSTER_SUFFIX"
    cpus=$(nproc --all)
    mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 / 2 / nodes))
    ip link add "$bridge" type bridge
    _cluster_record "link $bridge"
    sysctl -qw "net.ipv6.conf.$bridge.disable_ipv6=1" >/dev/null 2>&1 || true
    ip addr add "$net.1/24" dev "$bridge"
    ip link set "$bridge" up
    : >"$CLUSTER_DIR/nodes"
    for i in $(seq 1 "$nodes"); do
        ns="pc$CLUSTER_SUFFIX-vnode$i"
        veth="pc${CLUSTER_SUFFIX}v$i"
        ip netns add "$ns"
        _cluster_record "netns $ns"
        ip link add "$veth" type veth peer name "${veth}p"
        _cluster_record "link $veth"
        ip link set "${veth}p" netns "$ns"
        ip -n "$ns" link set "${veth}p" name eth0
        ip link set "$veth" master "$bridge"
        sysctl -qw "net.ipv6.conf.$veth.disable_ipv6=1" >/dev/null 2>&1 || true
        ip link set "$veth" up
        nsenter --net="/run/netns/$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1 || true
        ip -n "$ns" addr add "$net.$((10 + i))/24" dev eth0
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
        names+=("vnode$i")
        addrs+=("$net.$((10 + i))")
        printf 'vnode%s %s %s %s\n' "$i" "$ns" "$veth" "$net.$((10 + i))" >>"$CLUSTER_DIR/nodes"
    done
    _cluster_write_conf "$net.1" \
        "NodeName=vnode[1-$nodes] NodeAddr=$(IFS=,; echo "${addrs[*]}") CPUs=$cpus RealMemory=$mem State=UNKNOWN"
    {
        echo "export CLUSTER_NODES='$(IFS=,; echo "${names[*]}")'"
        echo "export CLUSTER_SUBNET='$net.0/24'"
        echo "export CLUSTER_BRIDGE='$bridge'"
    } >>"$CLUSTER_DIR/env"
    _cluster_start_munge
    _cluster_start_controller
    local name
    while read -r name ns _; do
        install -d -m 1777 "$CLUSTER_DIR/tmp/$name"
        # Not `ip netns exec`: it remounts /sys. A private UTS namespace gives the node its own host name
        # (ranks on two nodes with one host name would share shared-memory segment names and crash).
        # shellcheck disable=SC2016 # $1 and $2 are expanded by sh
        nsenter --net="/run/netns/$ns" unshare --uts -- \
            sh -c 'hostname "$1" && exec slurmd -f "$2" -N "$1"' sh "$name" "$CLUSTER_DIR/slurm.conf"
        _cluster_daemon_started "slurmd-$name" "$CLUSTER_DIR/run/slurmd-$name.pid" "$CLUSTER_DIR/log/slurmd-$name.log"
    done <"$CLUSTER_DIR/nodes"
    _cluster_wait_idle "$nodes"
}

# _cluster_up_main KIND DIR NODES: the bring-up proper, in its own bash process under errexit.
_cluster_up_main() {
    local kind=$1 nodes=$3
    CLUSTER_DIR=$2
    install -d -m 0755 "$CLUSTER_DIR"
    [[ -z "$(ls -A "$CLUSTER_DIR")" ]] || { cluster_log "$CLUSTER_DIR is not empty"; return 1; }
    : >"$CLUSTER_DIR/cluster.state"
    CLUSTER_SUFFIX=$(printf '%04x' $((RANDOM % 65536)))
    CLUSTER_NAME="primes$CLUSTER_SUFFIX"
    CLUSTER_CTL_PORT=$(_cluster_free_port)
    CLUSTER_NODE_PORT=$(_cluster_free_port)
    while [[ "$CLUSTER_NODE_PORT" == "$CLUSTER_CTL_PORT" ]]; do CLUSTER_NODE_PORT=$(_cluster_free_port); done
    export SLURM_CONF="$CLUSTER_DIR/slurm.conf"
    if [[ "$kind" == one ]]; then _cluster_up_one; else _cluster_up_multi "$nodes"; fi
}

# --- use and tear-down -----------------------------------------------------------------------------------

cluster_ns_of() { awk -v n="$1" '$1 == n {print $2}' "$CLUSTER_DIR/nodes"; }
cluster_veth_of() { awk -v n="$1" '$1 == n {print $3}' "$CLUSTER_DIR/nodes"; }

# _cluster_pids_in DIR: processes whose working directory or an open file is under DIR: this cluster's
# daemons and job steps (nothing else has a reason to touch the run's private directory).
_cluster_pids_in() {
    find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 \( -lname "$1" -o -lname "$1/*" \) 2>/dev/null | cut -d/ -f3 | sort -u |
        grep -vx -e "$$" -e "${BASHPID:-$$}" || true
}

# _cluster_stop_pids NAME:PID...: TERM to all at once (Slurm's daemons take 1-2 s each to shut down), up
# to 5 s, then KILL for those still there.
_cluster_stop_pids() {
    local entry i alive
    for entry in "$@"; do kill -TERM "${entry##*:}" 2>/dev/null || true; done
    for i in $(seq 1 50); do
        alive=()
        for entry in "$@"; do kill -0 "${entry##*:}" 2>/dev/null && alive+=("$entry"); done
        [[ ${#alive[@]} -eq 0 ]] && return 0
        sleep 0.1
    done
    for entry in "${alive[@]}"; do
        cluster_log "${entry%:*} (pid ${entry##*:}) ignored TERM for 5 s; killing it"
        kill -KILL "${entry##*:}" 2>/dev/null || true
    done
}

# cluster_down DIR: everything cluster_up_* made, undone in reverse order; DIR removed.
cluster_down() {
    local dir=${1:-${CLUSTER_DIR:-}}
    [[ -n "$dir" && -f "$dir/cluster.state" ]] || return 0
    local -a lines
    mapfile -t lines <"$dir/cluster.state"
    local i kind name pid p
    # Jobs first, while the daemons can still end them cleanly (if the controller is still there).
    pid=$(awk '$1 == "pid" && $2 == "slurmctld" {print $3}' "$dir/cluster.state")
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        SLURM_CONF="$dir/slurm.conf" timeout 5 scancel --quiet --user="$(id -un)" >/dev/null 2>&1 || true
        local deadline=$((SECONDS + 10))
        while ((SECONDS < deadline)); do
            [[ -z "$(SLURM_CONF="$dir/slurm.conf" timeout 5 squeue -h -o %i 2>/dev/null)" ]] && break
            sleep 0.2
        done
    fi
    local -a daemons=()
    for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
        read -r kind name pid <<<"${lines[$i]}"
        [[ "$kind" == pid ]] && daemons+=("$name:$pid")
    done
    [[ ${#daemons[@]} -eq 0 ]] || _cluster_stop_pids "${daemons[@]}"
    # Whatever a job left behind: processes in the namespaces, and anything still using the directory.
    for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
        read -r kind name pid <<<"${lines[$i]}"
        if [[ "$kind" == netns && -e "/run/netns/$name" ]]; then
            for p in $(ip netns pids "$name" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
        fi
    done
    for p in $(_cluster_pids_in "$dir"); do kill -KILL "$p" 2>/dev/null || true; done
    for ((i = ${#lines[@]} - 1; i >= 0; i--)); do
        read -r kind name pid <<<"${lines[$i]}"
        case "$kind" in
            netns) [[ -e "/run/netns/$name" ]] && { ip netns delete "$name" 2>/dev/null || true; } ;;
            link) ip link show "$name" >/dev/null 2>&1 && { ip link delete "$name" 2>/dev/null || true; } ;;
        esac
    done
    rm -rf "$dir"
}

# cluster_wait TIMEOUT ID...: waits until none of the jobs is pending or running; 1 on timeout.
cluster_wait() {
    local timeout=$1
    shift
    local deadline=$((SECONDS + timeout)) queued id
    local -a left
    while :; do
        queued=" $(squeue -h -o %i 2>/dev/null | tr '\n' ' ') "
        left=()
        for id in "$@"; do
            [[ "$queued" == *" $id "* ]] && left+=("$id")
        done
        [[ ${#left[@]} -eq 0 ]] && return 0
        if ((SECONDS >= deadline)); then
            cluster_log "timed out after ${timeout}s; still queued: ${left[*]}"
            squeue >&2 || true
            return 1
        fi
        sleep 0.2
    done
}

# cluster_job_field ID KEY: KEY's value for job ID: from the job completion log once it ended, else from
# scontrol.
cluster_job_field() {
    local id=$1 key=$2 line=""
    [[ -f "$CLUSTER_DIR/jobcomp.txt" ]] && line=$(grep "^JobId=$id " "$CLUSTER_DIR/jobcomp.txt" | tail -n 1)
    [[ -n "$line" ]] || line=$(scontrol -o show job "$id" 2>/dev/null)
    tr ' ' '\n' <<<"$line" | sed -n "s/^$key=//p" | head -n 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    case "${1:-}" in
        _up) _cluster_up_main "$2" "$3" "$4" ;;
        up-one | up-multi)
            dir=$(mktemp -d /tmp/primes-cluster.XXXXXX)
            chmod 0755 "$dir"
            if [[ "$1" == up-one ]]; then cluster_up_one "$dir"; else cluster_up_multi "$dir" "${2:-3}"; fi
            echo "$dir"
            echo "use it: source $dir/env   take it down: bash $CLUSTER_LIB down $dir" >&2
            ;;
        down) cluster_down "${2:?usage: cluster.bash down DIR}" ;;
        -h | --help | "") sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
        *) echo "cluster.bash: unknown command '$1' (up-one, up-multi [NODES], down DIR, --help)" >&2; exit 2 ;;
    esac
fi
