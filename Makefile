# Makefile: builds ./primes (mpicc when MPI is found, else cc with MPI=0), its tests and benchmarks.
#   make            build ./primes              make deps    install the packages (scripts/install-deps.sh)
#   make run        set up, build, run the main job (a local scaling study with plots)
#   make test       set up, build, run every test suite     make bench   ours against the peers
#   make ARCH=-march=x86-64-v3   for clusters whose login and compute CPUs differ;  make MPI=0  without MPI
#   make smpi       build/smpi/primes with SimGrid's smpicc: the mpi model on simulated clusters
SHELL := /bin/bash

# MPI_IMPL picks the MPI library when a machine has several (docs/install.md): unset, the system's mpicc;
# openmpi, mpicc.openmpi into build/ and ./primes; mpich, mpicc.mpich into build/mpich/primes, side by side.
MPI_IMPL ?=
ifeq ($(MPI_IMPL),)
MPICC ?= mpicc
else ifeq ($(MPI_IMPL),openmpi)
MPICC ?= mpicc.openmpi
else ifeq ($(MPI_IMPL),mpich)
MPICC ?= mpicc.mpich
BUILD ?= build/mpich
BIN ?= build/mpich/primes
else
$(error MPI_IMPL=$(MPI_IMPL): allowed: openmpi, mpich, or unset for the system's mpicc)
endif
MPI ?= $(shell command -v $(MPICC) >/dev/null 2>&1 && echo 1 || echo 0)
ifneq ($(MPI_IMPL)$(MPI),$(MPI_IMPL)1)
ifneq ($(MPI_IMPL),)
$(error MPI_IMPL=$(MPI_IMPL): $(MPICC) not found (scripts/install-deps.sh installs Open MPI and MPICH))
endif
endif
ifeq ($(MPI),1)
CC := $(MPICC)
endif
ARCH ?= -march=native
OPT ?= -O3
CFLAGS ?= $(OPT) $(ARCH)
BUILD ?= build
BIN ?= primes
WARNINGS := -Wall -Wextra -Werror
PKG_CFLAGS := $(shell pkg-config --cflags gmp gsl 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs gmp gsl 2>/dev/null || echo -lgmp -lgsl -lgslcblas)
SANITIZE ?=
# SMPI=1: built by smpicc for SimGrid's simulated MPI (make smpi sets it; src/mpi_env.c says what changes)
SMPI ?= 0
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -DPRIMES_MPI=$(MPI) -DPRIMES_SMPI=$(SMPI) -fopenmp $(WARNINGS) $(CFLAGS) $(SANITIZE) $(PKG_CFLAGS) \
              -Isrc -I$(BUILD) -MMD -MP
LDLIBS := -fopenmp $(SANITIZE) $(PKG_LIBS) -lm

SOURCES := $(wildcard src/*.c src/kernels/*.c src/models/*.c src/analyze/*.c src/tools/*.c)
ifneq ($(MPI),1)
SOURCES := $(filter-out src/models/mpi.c,$(SOURCES))
endif
OBJECTS := $(SOURCES:src/%.c=$(BUILD)/%.o)
LIB_OBJECTS := $(filter-out $(BUILD)/main.o,$(OBJECTS))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all mpich deps ensure-deps report-deps run test check unit bench sanitizers smpi fuzz fuzz-build fuzz-harnesses clean FORCE
all: $(BIN)

# Quiet by default: `make V=1` shows the full commands.
Q := $(if $(V),,@)

$(BIN): $(OBJECTS)
	@$(if $(V),,echo "  LINK  $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/%.o: src/%.c $(BUILD)/buildinfo.h
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The design's rule, enforced by the build: kernels and analysis know no parallel runtime, so they are
# compiled without -fopenmp (a pragma there is an unknown pragma, an error under -Werror) and, outside the
# simulated build, by the plain compiler rather than mpicc (mpi.h is not on its include path). The
# simulated build keeps smpicc for them: its -include of smpi_helpers.h makes their sleeps simulated.
ifeq ($(MPI)$(SMPI),10)
PLAIN_CC ?= $(firstword $(shell $(CC) -showme:command 2>/dev/null || $(CC) -compile_info 2>/dev/null) cc)
else
PLAIN_CC ?= $(CC)
endif
PLAIN_CFLAGS := $(filter-out -fopenmp,$(ALL_CFLAGS))
$(BUILD)/kernels/%.o: src/kernels/%.c $(BUILD)/buildinfo.h
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC    $< (plain)")
	$(Q)$(PLAIN_CC) $(PLAIN_CFLAGS) -c -o $@ $<
$(BUILD)/analyze/%.o: src/analyze/%.c $(BUILD)/buildinfo.h
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC    $< (plain)")
	$(Q)$(PLAIN_CC) $(PLAIN_CFLAGS) -c -o $@ $<

# The build's facts for provenance; rewritten only when they change, so a commit rebuilds one header.
# -dirty: the sources differ from the commit (data files such as results/ do not make a build dirty).
$(BUILD)/buildinfo.h: FORCE
	@mkdir -p $(BUILD)
	@commit=$$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); \
	 if [ "$$commit" != unknown ] && [ -n "$$(git status --porcelain --untracked-files=no -- src Makefile 2>/dev/null)" ]; then \
	   commit="$$commit-dirty"; fi; \
	 compiler=$$($(CC) --version 2>/dev/null | head -n 1); \
	 { echo "#define PRIMES_GIT_COMMIT \"$$commit\""; \
	   echo "#define PRIMES_COMPILER \"$${compiler//\"/} ($(CC))\""; \
	   echo "#define PRIMES_CFLAGS \"$(CFLAGS) -fopenmp MPI=$(MPI)$(if $(filter 1,$(SMPI)), SMPI=1)\""; } > $@.new; \
	 if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST  $@")
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJECTS) $(LDFLAGS) $(LDLIBS) $$(pkg-config --cflags --libs cmocka)

unit: $(UNIT_TESTS)

# Sanitizer builds of the single-process models (MPI=0): ASan+UBSan with gcc, TSan with clang and its
# OpenMP runtime (libgomp is not TSan-instrumented and gives false reports).
SANITIZER_FLAGS := -O1 -g -fno-omit-frame-pointer
sanitizers:
	@$(MAKE) --no-print-directory MPI=0 BUILD=$(BUILD)/asan BIN=$(BUILD)/asan/primes \
	    CFLAGS="$(SANITIZER_FLAGS)" SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" \
	    $(BUILD)/asan/primes
	@$(MAKE) --no-print-directory MPI=0 CC=clang BUILD=$(BUILD)/tsan BIN=$(BUILD)/tsan/primes \
	    CFLAGS="$(SANITIZER_FLAGS)" SANITIZE="-fsanitize=thread" $(BUILD)/tsan/primes

# Fuzzing: the libFuzzer harnesses of tests/fuzz/ (every parser: numbers, primes' and analyze's command
# lines, analyze's runs files), built by clang with ASan and UBSan over the suite's own objects (MPI=0) in
# $(BUILD)/fuzz. `make fuzz FUZZ_SECONDS=N` runs each for N seconds (tests/fuzz/run.sh); make test, 20.
FUZZ_SECONDS ?= 60
FUZZ_BUILD := $(BUILD)/fuzz
FUZZ_HARNESSES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
fuzz-build:
	@$(MAKE) --no-print-directory MPI=0 CC=clang BUILD=$(FUZZ_BUILD) BIN=$(FUZZ_BUILD)/primes \
	    CFLAGS="$(SANITIZER_FLAGS)" SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	    fuzz-harnesses
fuzz-harnesses: $(FUZZ_HARNESSES:%=$(BUILD)/fuzzers/%)
$(BUILD)/fuzzers/%: tests/fuzz/%.c tests/fuzz/fuzz_support.h $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  FUZZ  $@")
	$(Q)$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -fsanitize=fuzzer -o $@ $< $(LIB_OBJECTS) $(LDFLAGS) $(LDLIBS)
fuzz: fuzz-build
	tests/fuzz/run.sh --seconds $(FUZZ_SECONDS) --build $(FUZZ_BUILD)

# The simulated build (SimGrid SMPI): the same sources, compiled by smpicc into their own folder. Its
# binary runs only under smpirun (scripts/simulate.sh); docs/simulation.md.
SMPI_BUILD := $(BUILD)/smpi
smpi:
	@command -v smpicc >/dev/null 2>&1 || { echo "make smpi: smpicc not found (scripts/install-deps.sh installs libsimgrid-dev)" >&2; exit 2; }
	@$(MAKE) --no-print-directory CC=smpicc MPI=1 SMPI=1 BUILD=$(SMPI_BUILD) BIN=$(SMPI_BUILD)/primes $(SMPI_BUILD)/primes

# Installing (docs/install.md): make install PREFIX=... DESTDIR=...; make uninstall with the same PREFIX.
# The version is src/version.h's, and only there.
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell sed -n 's/^\#define PRIMES_VERSION "\(.*\)"$$/\1/p' src/version.h)
MAN := $(BUILD)/primes.1
INSTALL_ARGS = --prefix "$(PREFIX)" --destdir "$(DESTDIR)" --version "$(VERSION)"
.PHONY: man install uninstall
man: $(MAN)
# primes(1) from primes --help (GNU's layout) and docs/primes.h2m, dated by the commit (reproducible)
$(MAN): $(BIN) docs/primes.h2m
	@command -v help2man >/dev/null 2>&1 || { echo "make man: help2man not found (allowed: install it, scripts/install-deps.sh does)" >&2; exit 2; }
	@$(if $(V),,echo "  MAN   $@")
	$(Q)SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || date +%s) \
	    help2man --no-info --include=docs/primes.h2m --output=$@.new $(abspath $(BIN)) && mv $@.new $@
install: $(BIN) $(MAN)
	@scripts/install.sh install $(INSTALL_ARGS) --bin "$(BIN)" --man "$(MAN)" --smpi "$(SMPI_BUILD)/primes"
uninstall:
	@scripts/install.sh uninstall $(INSTALL_ARGS)

# The MPICH build beside the default one (the MPI suite runs under both; docs/install.md).
mpich:
	@$(MAKE) --no-print-directory MPI_IMPL=mpich

deps:
	scripts/install-deps.sh

ensure-deps:
	@scripts/install-deps.sh --if-missing

# Each of these re-enters make after the set-up, so MPI and the libraries are detected once installed.
run: ensure-deps
	@$(MAKE) --no-print-directory $(BIN)
	PRIMES=$(abspath $(BIN)) scripts/run-main-job.sh

test: ensure-deps
	@$(MAKE) --no-print-directory report-deps
	@$(MAKE) --no-print-directory $(BIN) unit sanitizers smpi fuzz-build mpich
	tests/run.sh

# The report's browser test drives Debian's chromium through playwright-core, pinned in
# tests/report/package-lock.json and installed from the npm registry (no browser is downloaded).
report-deps: tests/report/node_modules/.package-lock.json
tests/report/node_modules/.package-lock.json: tests/report/package.json tests/report/package-lock.json
	cd tests/report && npm ci --no-audit --no-fund --loglevel=error

check: test

# The peers' timing tools are plain cc programs (no MPI libraries to load, nothing in their start-up).
BENCH_TOOLS := $(BUILD)/primorial-peer $(BUILD)/clock-probe
$(BUILD)/primorial-peer: src/bench/primorial_peer.c
	@mkdir -p $(dir $@)
	$(Q)cc -std=c11 -O2 $(WARNINGS) $(PKG_CFLAGS) -o $@ $< $(shell pkg-config --libs gmp 2>/dev/null || echo -lgmp)
$(BUILD)/clock-probe: src/bench/clock_probe.c
	@mkdir -p $(dir $@)
	$(Q)cc -std=c11 -O2 $(WARNINGS) -o $@ $<

bench: ensure-deps
	@$(MAKE) --no-print-directory $(BIN) $(BENCH_TOOLS)
	PRIMES=$(abspath $(BIN)) BUILD=$(BUILD) scripts/bench.sh $(BENCH_ARGS)

clean:
	rm -rf $(BUILD) $(BIN)

FORCE:

-include $(OBJECTS:.o=.d)
