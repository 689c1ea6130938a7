#!/usr/bin/env bash
# deps.sh: install what a fresh Debian 12 machine lacks to build, test and
# benchmark contend.
#
#   scripts/deps.sh [--check] [TARGET...]
#
# TARGET: the make targets about to run (the Makefile passes its goals;
# none, or a target this script does not know, means everything: "deps").
# Only the packages those targets need are required; a missing one that they
# do not need, or an optional one (Go, Concurrency Kit), is skipped with one line saying what goes without it. As root it runs apt-get (the optional ones too, and a failure
# to get those is only reported); otherwise it prints the exact command to
# run and exits 1 when a required package is missing. --check only reports
# (exit 1 if a required package is missing). When nothing is missing it
# costs one dpkg-query per package.
set -euo pipefail

# package                 what contend uses it for
PACKAGES=(
  cmake                 # the build
  make
  gcc g++               # C11 code, the one C++17 shim; TSan/ASan/UBSan runtimes
  libbenchmark-dev      # Google Benchmark 1.7.1: the harness under ct_bench.h
  libbenchmark-tools    # Google Benchmark's compare.py (it reads our JSON too)
  python3               # /usr/bin/python3: the report, compare.sh, make ab
  python3-scipy         # every verdict and interval: Mann-Whitney U, bootstrap (reports/stats.py)
  gnuplot-nox           # every chart (PNG and SVG)
  pkg-config            # the installed contend.pc and contend-bench.pc (make bench IMPL=, examples/)
  libck-dev             # Concurrency Kit: ck_stack, an outside peer in the stack charts
  libboost-context-dev  # Boost.Context: the coroutines' context switch (primitives/go)
  liburcu-dev           # liburcu (memb flavour): the rwlock family's RCU competitors
  golang-go             # Go's own channels, a peer in the channel charts (workloads/go)
  clang-format          # make format / make lint: the C style (.clang-format)
  pyflakes3             # make lint: the Python files
  gdb                   # every thread's stack when a pitfall or diagnose run times out
  linux-perf            # make profile: perf record, perf report and perf annotate
)

# Which make targets need a package (a package not listed here: every
# target). An empty list: optional, WITHOUT says what goes without it.
# "all" is make's default goal, the release build; "deps" is everything.
BUILDS="all deps release tsan asan bench test test-release test-tsan test-asan pitfalls pitfall diagnose install profile"
# the comparison targets (scripts/compare.py, ab.py, gate.py)
COMPARES="compare ab ab-chan-go ab-pool-go gate-aa gate-inject"
RUNS_PY="deps bench test test-release test-tsan test-asan pitfalls pitfall diagnose lint profile $COMPARES"
KNOWN=" $BUILDS $COMPARES format lint clean "
declare -A NEEDED_BY=(
  [cmake]=$BUILDS [make]=$BUILDS [gcc]=$BUILDS [g++]=$BUILDS [libboost-context-dev]=$BUILDS
  [libbenchmark-dev]="all deps release bench test test-release pitfalls pitfall install profile"
  [libbenchmark-tools]="deps"
  [python3]=$RUNS_PY
  [python3-scipy]="deps bench test test-release $COMPARES"
  [gnuplot-nox]="deps bench test test-release"
  [pkg-config]="deps bench test test-release"
  [libck-dev]="" [golang-go]=""
  [clang-format]="deps test format lint"
  [pyflakes3]="deps test lint"
  [linux-perf]="deps test test-release profile"
)
declare -A WITHOUT=(
  [golang-go]="the Go peer (workloads/go) is left out of the chan, pool and go charts"
  [libck-dev]="the stack family's ck competitor is left out (built as unavailable)"
)

check_only=0 targets=()
for a in "$@"; do
  case "$a" in
    --check) check_only=1 ;;
    -*) echo "deps.sh: unknown option '$a' (see the header of scripts/deps.sh)" >&2; exit 2 ;;
    *) targets+=("$a") ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(deps)
what="make ${targets[*]}"
[[ "${targets[*]}" == deps ]] && what="contend"

# needed PKG: does one of the targets need it?
needed() {
  [[ -v NEEDED_BY[$1] ]] || return 0
  local t
  for t in "${targets[@]}"; do
    [[ $KNOWN == *" $t "* ]] || t=deps
    [[ " ${NEEDED_BY[$1]} " == *" $t "* ]] && return 0
  done
  return 1
}

required=() optional=()
for entry in "${PACKAGES[@]}"; do
  for p in $entry; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] && continue
    if needed "$p"; then required+=("$p"); else optional+=("$p"); fi
  done
done

skipped() {   # one line per missing package the targets go without
  local p
  for p in "${optional[@]}"; do
    if [[ -v WITHOUT[$p] ]]; then
      echo "contend: $p missing, skipped: ${WITHOUT[$p]}" >&2
    else
      echo "contend: $p missing, skipped: not needed by $what (needed by make: ${NEEDED_BY[$p]})" >&2
    fi
  done
}

if [[ ${#required[@]} -eq 0 && ( ${#optional[@]} -eq 0 || $check_only == 1 || $(id -u) -ne 0 ) ]]; then
  skipped
  exit 0
fi
if [[ $check_only == 1 || $(id -u) -ne 0 ]]; then
  skipped
  echo "contend: $what needs missing Debian packages: ${required[*]}" >&2
  [[ $check_only == 1 ]] ||
    echo "  install them with:  sudo apt-get update && sudo apt-get install -y ${required[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || echo "contend: apt-get update failed; trying the install anyway" >&2
if [[ ${#required[@]} -gt 0 ]]; then
  echo "contend: installing ${required[*]}" >&2
  apt-get install -y -qq --no-install-recommends "${required[@]}" >/dev/null
fi
if [[ ${#optional[@]} -gt 0 ]]; then
  echo "contend: installing ${optional[*]} (not needed by $what)" >&2
  apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null ||
    { echo "contend: could not install ${optional[*]}; going on without them:" >&2; skipped; }
fi
