# shellcheck shell=bash
# shellcheck disable=SC2034,SC2054 # the variables are the suite's (sourced); commas are Open MPI's option syntax
# mpi.bash: the MPI library the MPI suite runs under, so one suite tests both (tests/run.sh runs it twice):
#   PRIMES_TEST_MPI=openmpi (default)  Open MPI's mpirun.openmpi and ./primes (make)
#   PRIMES_TEST_MPI=mpich              MPICH's Hydra mpiexec.mpich and build/mpich/primes (make MPI_IMPL=mpich)
# It sets MPIRUN (the launcher with the options every test wants), MPI_QUIET (silences the launcher's own
# notices), MPI_NOBIND (lets a rank's threads use every core), MPI_RANK_VAR (the variable the launcher
# tells each rank its rank in), MPI_OTHER (the other library's launcher, for the mismatch tests) and
# mpi_setenv NAME=VALUE (the options that hand a variable to the ranks).
MPI_FLAVOUR="${PRIMES_TEST_MPI:-openmpi}"
case "$MPI_FLAVOUR" in
    openmpi)
        MPIRUN=(mpirun.openmpi --oversubscribe --mca pml ob1 --mca btl self,vader)
        MPI_QUIET=(-q)
        MPI_NOBIND=(--bind-to none)
        MPI_BIND_CORE=(--bind-to core)
        MPI_RANK_VAR=OMPI_COMM_WORLD_RANK
        MPI_OTHER=(mpiexec.mpich)
        ;;
    mpich)
        PRIMES="${PRIMES_MPICH:-$BATS_TEST_DIRNAME/../../build/mpich/primes}"
        MPIRUN=(mpiexec.mpich)
        MPI_QUIET=()
        MPI_NOBIND=(-bind-to none)
        MPI_BIND_CORE=(-bind-to core)
        MPI_RANK_VAR=PMI_RANK
        MPI_OTHER=(mpirun.openmpi --oversubscribe -q)
        ;;
    *)
        echo "mpi.bash: PRIMES_TEST_MPI=$MPI_FLAVOUR (allowed: openmpi, mpich)" >&2
        return 2
        ;;
esac

# mpi_setenv NAME=VALUE: the launcher options that set NAME=VALUE in every rank.
mpi_setenv() {
    if [[ "$MPI_FLAVOUR" == openmpi ]]; then
        printf '%s\n' -x "$1"
    else
        printf '%s\n' -genv "${1%%=*}" "${1#*=}"
    fi
}
