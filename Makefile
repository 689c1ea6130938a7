# contend: a thin wrapper over CMake, ctest and scripts/.
#   make bench [QUICK=1] [FAMILY=counter] [FILTER=regex] [REPS=5]
#   make test            build plain, TSan and ASan+UBSan trees; run ctest in each
#   make pitfalls        the pitfall catalog: bad diagnosed, fixed clean (reports/out/pitfalls/)
#   make pitfall NAME=racy_counter     one pitfall, with its diagnosis
#   make diagnose FILE=prog.c [ARGS="..."]  TSan + ASan builds of any C program, classified
#   make compare A=regex B=regex [FAMILY=counter]   Google Benchmark's compare.py
#   make format          clang-format every C/C++ file in place (.clang-format)
#   make lint            the same check without writing, and pyflakes on every Python file
#   make install PREFIX=/usr/local
#   make clean
BUILD   ?= build
JOBS    ?= $(shell nproc)
QUICK   ?= 0
FAMILY  ?= all
FILTER  ?=
REPS    ?=
PREFIX  ?= /usr/local
CMAKE   := cmake
RELEASE := $(BUILD)/release
TSAN    := $(BUILD)/tsan
ASAN    := $(BUILD)/asan

.PHONY: all deps release tsan asan bench test test-release test-tsan test-asan pitfalls pitfall \
        diagnose \
        compare install clean format lint

all: release

deps:
	@scripts/deps.sh

# Configuring again is cheap and picks up new files and options.
release: deps
	@$(CMAKE) -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@$(CMAKE) --build $(RELEASE) -j $(JOBS)

tsan: deps
	@$(CMAKE) -S . -B $(TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCT_SANITIZE=thread \
	  -DCT_WITH_BENCH=OFF -DCT_TIMEOUT_MULT=5 >/dev/null
	@$(CMAKE) --build $(TSAN) -j $(JOBS)

asan: deps
	@$(CMAKE) -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCT_SANITIZE=address,undefined \
	  -DCT_WITH_BENCH=OFF -DCT_TIMEOUT_MULT=3 >/dev/null
	@$(CMAKE) --build $(ASAN) -j $(JOBS)

bench: release
	@scripts/bench.sh --build $(RELEASE) --family $(FAMILY) \
	  $(if $(filter 1 yes true,$(QUICK)),--quick) \
	  $(if $(FILTER),--filter '$(FILTER)') $(if $(REPS),--reps $(REPS))

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

pitfall: release tsan asan
	@test -n "$(NAME)" || { echo "usage: make pitfall NAME=<name>; names: make pitfall NAME=list" >&2; exit 2; }
	@if [ "$(NAME)" = list ]; then /usr/bin/python3 scripts/pitfalls.py --list; \
	 else /usr/bin/python3 scripts/pitfalls.py --build $(BUILD) --name $(NAME); fi

diagnose: tsan asan
	@test -n "$(FILE)" || { echo "usage: make diagnose FILE=prog.c [ARGS=...]" >&2; exit 2; }
	@scripts/diagnose.sh --build $(BUILD) $(FILE) $(ARGS)

compare: deps
	@scripts/compare.sh $(if $(filter-out all,$(FAMILY)),$(FAMILY),counter) '$(A)' '$(B)'

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
