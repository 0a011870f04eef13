-- primes.lua: the Lmod modulefile of an installed primes (a template: make install writes it as
-- PREFIX/share/modulefiles/primes/VERSION.lua with @PREFIX@ and @VERSION@ filled in). A site copies or
-- links it into its module tree; `module load primes` then puts the suite on PATH, its man page on
-- MANPATH and its bash completion where bash-completion looks (XDG_DATA_DIRS).
whatis("Name: primes")
whatis("Version: @VERSION@")
whatis("Description: one computation (prime counting, the exact primorial, task workloads) under serial, OpenMP, pthreads, processes, MPI and MPI+OpenMP, timed, verified and analysed")
whatis("URL: docs in @PREFIX@/share/doc/primes")
help([[
primes @VERSION@: the same kernels under every parallel model, with scaling studies.

  primes --help          the command (man primes)
  primes-study --help    a scaling study: runs.csv, traces, study.json
  primes-plot, primes-report, primes-simulate, primes-tutorials, primes-submit (Slurm)
  Slurm job templates:   @PREFIX@/share/primes/jobs
  Documentation:         @PREFIX@/share/doc/primes
]])
family("primes")
local prefix = "@PREFIX@"
prepend_path("PATH", pathJoin(prefix, "bin"))
prepend_path("MANPATH", pathJoin(prefix, "share/man"))
prepend_path("XDG_DATA_DIRS", pathJoin(prefix, "share"))
setenv("PRIMES_HOME", pathJoin(prefix, "share/primes"))
