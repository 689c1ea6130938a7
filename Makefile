# contend: a thin wrapper over CMake, ctest and scripts/.
#   make bench [QUICK=1|FULL=1] [FAMILY=counter] [FILTER=regex] [REPS=5]   QUICK: empty, 0 or 1
#              [CI_TARGET=3] [REPS_CAP=10] [BASELINE=<json file or folder>]
#              [THREADS=1,3,16]   thread counts (default: 1, 2, 4, ... cores, 2x, 4x them)
#   make bench IMPL=path/to/mylock.c FAMILY=counter   a competitor of your own (examples/),
#                        built against this tree's library, run beside ours
#   make test            build plain, TSan and ASan+UBSan trees; run ctest in each
#   make pitfalls        the pitfall catalog: bad diagnosed, fixed clean (reports/out/pitfalls/)
#   make pitfall NAME=racy_counter     one pitfall, with its diagnosis (NAME=list lists them)
#   make diagnose FILE=prog.c [ARGS="..."]  TSan + ASan builds of any C program, classified
#                        (ARGS: blank-separated words, passed as they are, no shell expansion)
#   make ab A=regex B=regex [ROUNDS=10] [FAMILY=chan] [QUICK=1] [MIN_TIME=0.2]
#                        two designs (or go:<regex>, Go's peer) in interleaved rounds
#   make compare BASE=<json|git rev> NEW=<json|git rev>   regression verdicts; CI calls
#                        scripts/compare.sh BASE NEW itself (make turns its exit 1 into 2)
#   make gate-aa / make gate-inject [LADDER=0.3,1,...]  the gate's false-positive rate / smallest
#                        slowdown caught (LADDER: the ns per operation tried, in order)
#   make ab-chan-go / make ab-pool-go / make ab-map-go / make ab-objpool-go  the chan, pool,
#                        map and objpool READMEs' tables against Go
#   make ab-pipework     the chan README's pipework blocks (designs against Go's goroutine
#                        pipeline; the pool against the sequential run)
#                        (these five measure and write the README: run them on a quiet machine)
#   make format          clang-format every C/C++ file in place (.clang-format)
#   make lint            the same check without writing, and pyflakes on every Python file
#   make report [RUNS="dirA dirB ..."]  the report again; with RUNS, several machines in one
#                        (reports/out/machines: each machine a series, per-machine ratios)
#   make install PREFIX=/usr/local
#   make clean
BUILD   ?= build
JOBS    ?= $(shell nproc)
QUICK   ?= 0
FULL    ?= 0
FAMILY  ?= all
FILTER  ?=
REPS    ?=
PREFIX  ?= /usr/local
CMAKE   := cmake
RELEASE := $(BUILD)/release
TSAN    := $(BUILD)/tsan
ASAN    := $(BUILD)/asan

# shquote: one shell word, whatever the text holds (quotes, ;, $, blanks).
shquote = '$(subst ','\'',$(1))'

# Bad input is refused here, when the Makefile is read: before anything is
# built, with one line and exit 2.
ifneq ($(filter-out 0 1,$(QUICK)),)
  $(error QUICK must be empty, 0 or 1, not '$(QUICK)')
endif
ifneq ($(filter-out 0 1,$(FULL)),)
  $(error FULL must be empty, 0 or 1, not '$(FULL)')
endif
ifeq ($(QUICK)$(FULL),11)
  $(error QUICK=1 and FULL=1 exclude each other)
endif
PITFALL_NAMES := $(filter-out pitfall,$(basename $(notdir $(wildcard workloads/pitfalls/*.c))))
ifneq ($(filter pitfall,$(MAKECMDGOALS)),)
  ifeq ($(NAME),)
    $(error usage: make pitfall NAME=<name>; make pitfall NAME=list lists them)
  endif
  ifneq ($(words $(NAME))$(filter list $(PITFALL_NAMES),$(NAME)),1$(NAME))
    $(error make pitfall: unknown pitfall '$(NAME)'; known: $(PITFALL_NAMES))
  endif
endif
ifneq ($(and $(filter bench,$(MAKECMDGOALS)),$(IMPL)),)
  ifneq ($(shell test -f $(call shquote,$(IMPL)) && echo yes),yes)
    $(error make bench: IMPL '$(IMPL)': no such file)
  endif
  ifeq ($(filter-out all,$(FAMILY)),)
    $(error make bench: IMPL needs FAMILY=<its competitor's family>, e.g. FAMILY=counter)
  endif
endif
ifneq ($(filter diagnose,$(MAKECMDGOALS)),)
  ifeq ($(FILE),)
    $(error usage: make diagnose FILE=prog.c [ARGS="..."])
  endif
  ifneq ($(shell test -f $(call shquote,$(FILE)) && echo yes),yes)
    $(error make diagnose: no such file '$(FILE)')
  endif
endif

.PHONY: all deps release tsan asan bench test test-release test-tsan test-asan pitfalls pitfall \
        diagnose \
        compare ab ab-chan-go ab-pipework ab-pool-go ab-map-go ab-objpool-go gate-aa gate-inject install clean \
        format lint

all: release

# deps.sh requires only what the goals need (make's default goal is all).
deps:
	@scripts/deps.sh $(or $(MAKECMDGOALS),all)

# Configuring again is cheap and picks up new files and options.
release: deps
	@$(CMAKE) -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@$(CMAKE) --build $(RELEASE) -j $(JOBS)

tsan: deps
	@$(CMAKE) -S . -B $(TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCT_SANITIZE=thread \
	  -DCT_WITH_BENCH=ON -DCT_TIMEOUT_MULT=5 >/dev/null
	@$(CMAKE) --build $(TSAN) -j $(JOBS)

asan: deps
	@$(CMAKE) -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCT_SANITIZE=address,undefined \
	  -DCT_WITH_BENCH=OFF -DCT_TIMEOUT_MULT=3 >/dev/null
	@$(CMAKE) --build $(ASAN) -j $(JOBS)

bench: release
	@scripts/bench.sh --build $(RELEASE) --family $(FAMILY) $(if $(IMPL),--impl $(call shquote,$(IMPL))) \
	  $(if $(filter 1,$(QUICK)),--quick) $(if $(filter 1,$(FULL)),--full) \
	  $(if $(THREADS),--threads $(call shquote,$(THREADS))) \
	  $(if $(FILTER),--filter $(call shquote,$(FILTER))) $(if $(REPS),--reps $(call shquote,$(REPS))) \
	  $(if $(CI_TARGET),--ci-target $(call shquote,$(CI_TARGET))) \
	  $(if $(REPS_CAP),--reps-cap $(call shquote,$(REPS_CAP))) \
	  $(if $(BASELINE),--baseline $(call shquote,$(BASELINE)))

test-release: release
	ctest --test-dir $(RELEASE) --output-on-failure -j $(JOBS)
test-tsan: tsan
	ctest --test-dir $(TSAN) --output-on-failure -j $(JOBS)
test-asan: asan
	ctest --test-dir $(ASAN) --output-on-failure -j $(JOBS)

# The trees build one after another (2 cores); any failure stops make.
test: test-release test-tsan test-asan pitfalls lint
	@echo "make test: plain, TSan and ASan+UBSan trees, the pitfall catalog and diagnose all passed"

# Fails when a bad version stops being diagnosed or a fixed one is not clean.
pitfalls: release tsan asan
	@/usr/bin/python3 scripts/pitfalls.py --build $(BUILD)

# NAME and FILE were checked when the Makefile was read; NAME=list builds nothing.
pitfall: $(if $(filter list,$(NAME)),,release tsan asan)
	@if [ $(call shquote,$(NAME)) = list ]; then /usr/bin/python3 scripts/pitfalls.py --list; \
	 else /usr/bin/python3 scripts/pitfalls.py --build $(BUILD) --name $(call shquote,$(NAME)); fi

diagnose: tsan asan
	@scripts/diagnose.sh --build $(BUILD) $(call shquote,$(FILE)) $(foreach a,$(ARGS),$(call shquote,$(a)))

# The comparison targets (scripts/compare.py, ab.py, gate.py). compare needs no
# build of this tree: result files are read, revisions built in worktrees.
ROUNDS   ?=
MIN_TIME ?=
RUN_OPTS = $(if $(filter-out all,$(FAMILY)),--family $(call shquote,$(FAMILY))) \
  $(if $(filter 1,$(QUICK)),--quick) \
  $(if $(ROUNDS),--rounds $(call shquote,$(ROUNDS))) \
  $(if $(MIN_TIME),--min-time $(call shquote,$(MIN_TIME)))
CMP_OPTS = $(RUN_OPTS) $(if $(FILTER),--filter $(call shquote,$(FILTER)))
compare: deps
	@test -n $(call shquote,$(BASE)) -a -n $(call shquote,$(NEW)) || { echo "usage: make compare BASE=<json|git rev> NEW=<json|git rev> (CI: scripts/compare.sh BASE NEW)" >&2; exit 2; }
	@scripts/compare.sh $(call shquote,$(BASE)) $(call shquote,$(NEW)) $(CMP_OPTS)

ab: release
	@test -n $(call shquote,$(A)) -a -n $(call shquote,$(B)) || { echo "usage: make ab A=<regex> B=<regex|go:regex> [ROUNDS=n]" >&2; exit 2; }
	@/usr/bin/python3 scripts/ab.py --build $(RELEASE) $(call shquote,$(A)) $(call shquote,$(B)) \
	  $(RUN_OPTS) $(if $(filter 1,$(EACH)),--each) \
	  $(if $(README),--readme $(call shquote,$(README)) --block $(call shquote,$(BLOCK)))

# The READMEs' tables against Go, regenerated in place (run on a quiet machine).
CHAN_AB = (spsc|mpsc|mpmc|select_rx|select_both|pingpong)
ab-chan-go:
	@$(MAKE) --no-print-directory ab A='chan/$(CHAN_AB)/' B='go:chan/$(CHAN_AB)/' FAMILY=chan \
	  ROUNDS=5 MIN_TIME=0.2 README=primitives/chan/README.md BLOCK=chan-vs-go
# pipework: each default design (rt:go too) against Go's goroutine pipeline, and the
# pool against the sequential run (a design and the sequential run share no cell)
ab-pipework:
	@$(MAKE) --no-print-directory ab A='chan/pipework/(ring_futex|go_like|spin_park)/' \
	  B='go:chan/pipework/go/' FAMILY=chan EACH=1 ROUNDS=5 MIN_TIME=0.2 \
	  README=primitives/chan/README.md BLOCK=pipework-vs-go
	@$(MAKE) --no-print-directory ab A='chan/pipework/pool/' B='chan/pipework/sequential/' \
	  FAMILY=chan ROUNDS=5 MIN_TIME=0.2 README=primitives/chan/README.md BLOCK=pipework-pool
ab-pool-go:
	@$(MAKE) --no-print-directory ab A='pool/busy/(fixed|dynamic|stealing|sharded)/' \
	  B='go:pool/busy/go_pool/' FAMILY=pool EACH=1 ROUNDS=5 MIN_TIME=0.2 \
	  README=primitives/pool/README.md BLOCK=pool-vs-go
# every C map against the faster of Go's two (map+RWMutex, sync.Map), cell by cell
ab-map-go:
	@$(MAKE) --no-print-directory ab A='map/mix/' B='go:map/mix/' FAMILY=map EACH=1 \
	  ROUNDS=5 MIN_TIME=0.2 README=primitives/map/README.md BLOCK=map-vs-go
ab-objpool-go:
	@$(MAKE) --no-print-directory ab A='objpool/churn/(malloc|locked|magazine|lockfree)/' \
	  B='go:objpool/churn/go_syncpool/' FAMILY=objpool EACH=1 ROUNDS=5 MIN_TIME=0.2 \
	  README=primitives/objpool/README.md BLOCK=objpool-vs-go

gate-aa: release
	@/usr/bin/python3 scripts/gate.py aa --build $(RELEASE) $(CMP_OPTS) --readme README.md
gate-inject: release
	@/usr/bin/python3 scripts/gate.py inject --build $(RELEASE) $(CMP_OPTS) \
	  $(if $(LADDER),--ladder $(call shquote,$(LADDER))) --readme README.md

# The files the style tool keeps: every C/C++ source and header of the tree,
# but the diagnose corpus (user programs, written as users write them).
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' '*.cc' ':!:tests/diagnose/*' 2>/dev/null)
PY_FILES     = $(shell git ls-files '*.py' 2>/dev/null)

format: deps
	@clang-format -i $(FORMAT_FILES)

lint: deps
	@clang-format --dry-run -Werror $(FORMAT_FILES)
	@pyflakes3 $(PY_FILES)
	@echo "make lint: clang-format and pyflakes clean ($(words $(FORMAT_FILES)) C files, $(words $(PY_FILES)) Python files)"

install: release
	$(CMAKE) --install $(RELEASE) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) reports/out

# make report [RUNS="dirA dirB ..."] [REPORT_OUT=...]: draw the report again from
# reports/out/json; with RUNS, one report of several machines (each DIR a results
# directory as make bench writes it, e.g. reports/out, or its json/ folder), each
# machine a series on every chart, and the per-machine ratios, in reports/out/machines.
REPORT_OUT ?=
.PHONY: report
report:
	@/usr/bin/python3 scripts/report.py \
	  $(if $(strip $(RUNS)),--runs $(foreach d,$(RUNS),$(call shquote,$(d))) \
	    --out $(call shquote,$(or $(REPORT_OUT),reports/out/machines)),\
	    --out $(call shquote,$(or $(REPORT_OUT),reports/out)))

# make profile FILTER=<one benchmark> [PROFILE_TIME=0.5] [PROFILE_OUT=reports/out]: that
# benchmark under perf record (scripts/profile.py), written to PROFILE_OUT/profile/<name>/
# and linked from the report. No FILTER is refused here; a FILTER naming no benchmark or
# several is refused by profile.py from the bench's own list (built first: only
# contend_bench), before perf runs.
PROFILE_OUT  ?= reports/out
PROFILE_TIME ?=
ifneq ($(filter profile,$(MAKECMDGOALS)),)
  ifeq ($(strip $(FILTER)),)
    $(error usage: make profile FILTER=<one benchmark>, e.g. FILTER=counter/incr/atomic/work:0/reads:0/real_time/threads:1)
  endif
endif
.PHONY: profile
profile: deps
	@$(CMAKE) -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@$(CMAKE) --build $(RELEASE) -j $(JOBS) --target contend_bench
	@/usr/bin/python3 scripts/profile.py --build $(call shquote,$(RELEASE)) \
	  --out $(call shquote,$(PROFILE_OUT)) --filter $(call shquote,$(FILTER)) \
	  $(if $(PROFILE_TIME),--min-time $(call shquote,$(PROFILE_TIME)))
