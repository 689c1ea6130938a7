# contend: a thin wrapper over CMake, ctest and scripts/.
#   make bench [QUICK=1] [FAMILY=counter] [FILTER=regex] [REPS=5]
#   make test            build plain, TSan and ASan+UBSan trees; run ctest in each
#   make compare A=regex B=regex [FAMILY=counter]   Google Benchmark's compare.py
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

.PHONY: all deps release tsan asan bench test test-release test-tsan test-asan compare install clean

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
test: test-release test-tsan test-asan
	@echo "make test: plain, TSan and ASan+UBSan all passed"

compare: deps
	@scripts/compare.sh $(if $(filter-out all,$(FAMILY)),$(FAMILY),counter) '$(A)' '$(B)'

install: release
	$(CMAKE) --install $(RELEASE) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) reports/out
