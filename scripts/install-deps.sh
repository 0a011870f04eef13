#!/usr/bin/env bash
# install-deps.sh: installs every package the build, tests, plots, benchmarks and cluster tests need, on
# Debian/Ubuntu (as root, or through sudo). Elsewhere it lists what is missing and the usual module names.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: scripts/install-deps.sh [--if-missing | --check | --list] [--help]

  (no option)    apt-get update, then install every package below
  --if-missing   do nothing when everything is present, else install (make run / make test use this)
  --check        print what is missing; exit 1 when something is
  --list         print the package list and exit

Debian/Ubuntu packages:
  build     build-essential pkg-config git openmpi-bin libopenmpi-dev libgmp-dev libgsl-dev
            help2man (the man page, make install)
  tests     libcmocka-dev bats clang libclang-rt-dev libomp-dev shellcheck (clang: TSan, libFuzzer)
            mpich libmpich-dev (the MPI suite under MPICH too: make MPI_IMPL=mpich), lmod (the modulefile),
            man-db (the man page rendered)
            chromium fonts-dejavu-core, and nodejs npm when node or npm is not on PATH (the report's browser test;
            tests/report/package.json pins playwright-core, installed by make test with npm ci)
  plots     python3 python3-matplotlib
  bench     primesieve time (GNU time: the peers' memory)
  cluster   slurmctld slurmd slurm-client munge iproute2 util-linux procps
  simulate  libsimgrid-dev (SimGrid's SMPI: smpicc and smpirun, for make smpi and scripts/simulate.sh)
On other systems (HPC sites): module load gcc openmpi gmp gsl python (names vary by site), and cmocka and
bats from your package manager or Spack (spack install cmocka bats gmp gsl openmpi).
EOF
}

PACKAGES=(
    build-essential pkg-config git openmpi-bin libopenmpi-dev libgmp-dev libgsl-dev help2man
    libcmocka-dev bats clang libclang-rt-dev libomp-dev shellcheck chromium fonts-dejavu-core
    mpich libmpich-dev lmod man-db
    python3 python3-matplotlib
    primesieve time
    slurmctld slurmd slurm-client munge iproute2 util-linux procps
    libsimgrid-dev
)

missing_debian_packages() {
    local p status
    for p in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [[ "$status" == "install ok installed" ]] || printf '%s\n' "$p"
    done
}

# Without dpkg: look for the tools and headers themselves.
missing_tools() {
    local tool
    for tool in cc make pkg-config mpicc mpirun bats python3; do
        command -v "$tool" >/dev/null 2>&1 || printf '%s\n' "$tool"
    done
    local header
    for header in gmp.h gsl/gsl_statistics.h cmocka.h; do
        printf '#include <stddef.h>\n#include <stdarg.h>\n#include <setjmp.h>\n#include <%s>\n' "$header" |
            cc -E -x c - >/dev/null 2>&1 || printf '%s\n' "$header"
    done
    python3 -c 'import matplotlib' >/dev/null 2>&1 || printf '%s\n' "python3 matplotlib"
}

have_apt() { command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; }

# Node.js may come from elsewhere (NodeSource, nvm): its Debian packages only when the commands are absent.
missing_commands() {
    command -v node >/dev/null 2>&1 || echo nodejs
    command -v npm >/dev/null 2>&1 || echo npm
    return 0
}

missing() {
    if have_apt; then missing_debian_packages; else missing_tools; fi
    missing_commands
}

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "install-deps: need root or sudo to run: $*" >&2
        exit 1
    fi
}

install_debian() {
    local -a wanted=("$@")
    echo "install-deps: installing ${wanted[*]}"
    # Package scripts must not start daemons (munge, slurm): the tests start their own. Images without a
    # policy-rc.d get a temporary one.
    local made_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
        made_policy=1
    fi
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${wanted[@]}"
    if [[ $made_policy -eq 1 ]]; then
        as_root rm -f /usr/sbin/policy-rc.d
    fi
}

main() {
    local mode=install
    case "${1:-}" in
        "") ;;
        --if-missing) mode=if-missing ;;
        --check) mode=check ;;
        --list) printf '%s\n' "${PACKAGES[@]}"; exit 0 ;;
        -h | --help) usage; exit 0 ;;
        *) echo "install-deps: unknown option '$1' (allowed: --if-missing, --check, --list, --help)" >&2; exit 2 ;;
    esac
    local -a absent
    mapfile -t absent < <(missing)
    case "$mode" in
        check)
            if [[ ${#absent[@]} -eq 0 ]]; then echo "install-deps: everything is present"; exit 0; fi
            printf 'install-deps: missing: %s\n' "${absent[*]}"
            exit 1
            ;;
        if-missing)
            [[ ${#absent[@]} -eq 0 ]] && exit 0
            ;;
    esac
    if ! have_apt; then
        printf 'install-deps: not a Debian/Ubuntu system; missing: %s\n' "${absent[*]:-nothing}" >&2
        echo "install-deps: on a cluster try: module load gcc openmpi gmp gsl python (names vary by site)" >&2
        exit 1
    fi
    if [[ "$mode" == install ]]; then
        local -a commands
        mapfile -t commands < <(missing_commands)
        install_debian "${PACKAGES[@]}" "${commands[@]}"
    else
        install_debian "${absent[@]}"
    fi
}

main "$@"
