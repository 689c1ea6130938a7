#!/usr/bin/env bash
# deps.sh: install what a fresh Debian 12 machine lacks to build, test and
# benchmark contend. As root it runs apt-get; otherwise it prints the exact
# command to run and exits 1. `deps.sh --check` only reports (exit 1 if
# something is missing). The make targets call it; when nothing is missing it
# costs one dpkg-query.
set -euo pipefail

# package                 what contend uses it for
PACKAGES=(
  cmake                 # the build
  make
  gcc g++               # C11 code, the one C++17 shim; TSan/ASan/UBSan runtimes
  libbenchmark-dev      # Google Benchmark 1.7.1: the harness under ct_bench.h
  libbenchmark-tools    # Google Benchmark's compare.py (make compare)
  python3               # /usr/bin/python3: the report generator (stdlib json)
  python3-scipy         # compare.py's Mann-Whitney U test
  gnuplot-nox           # every chart (PNG and SVG)
  pkg-config            # checks the installed contend.pc
  libck-dev             # Concurrency Kit: ck_stack, an outside peer in the stack charts
  libboost-context-dev  # Boost.Context: the coroutines' context switch (primitives/go)
  golang-go             # Go's own channels, a peer in the channel charts (workloads/go)
  clang-format          # make format / make lint: the C style (.clang-format)
  pyflakes3             # make lint: the Python files
  gdb                   # every thread's stack when a pitfall or diagnose run times out
)

missing=()
for entry in "${PACKAGES[@]}"; do
  for p in $entry; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
  done
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "contend: missing Debian packages: ${missing[*]}" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "contend: missing Debian packages: ${missing[*]}" >&2
  echo "  install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "contend: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
