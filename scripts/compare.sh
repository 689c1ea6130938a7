#!/usr/bin/env bash
# compare.sh FAMILY A B: compare two competitors of one family in the last
# `make bench` results with Google Benchmark's own compare.py (per benchmark:
# the time and CPU change, and with repetitions a Mann-Whitney U test).
# A and B are name prefixes or regexes, e.g.
#   scripts/compare.sh counter counter/incr/mutex counter/incr/atomic
# compare.py needs Debian's python3-scipy, so it runs under /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -eq 3 && -n "$2" && -n "$3" ]] || {
  echo "usage: scripts/compare.sh FAMILY A B   (make compare FAMILY=counter A=counter/incr/mutex B=counter/incr/atomic)" >&2
  exit 2; }
json=reports/out/json/$1.json
compare=/usr/share/benchmark/compare.py
[[ -f $compare ]] || { echo "compare.sh: $compare missing: run scripts/deps.sh (libbenchmark-tools)" >&2; exit 2; }
[[ -f $json ]] || { echo "compare.sh: $json missing: run make bench FAMILY=$1 first" >&2; exit 2; }
exec /usr/bin/python3 "$compare" filters "$json" "$2" "$3"
