#!/usr/bin/env bash
# bench.sh: run the benchmarks family by family, then draw the report.
#
#   scripts/bench.sh [--quick|--full] [--family F[,F...]] [--filter REGEX] [--reps N]
#                    [--min-time S] [--build DIR] [--out DIR] [-- extra GB flags]
#                    [--ci-target PCT] [--reps-cap N] [--reps-budget S] [--baseline PATH]
#                    [--impl FILE.c --family F] [--threads N[,N...]]
#
# --impl: a competitor of one's own (one ops table and CT_REGISTER_COMPETITOR,
# as in examples/): the build tree is installed into BUILD/stage, FILE.c
# built against it with `pkg-config --cflags --libs contend-bench` (CC, default
# cc) into BUILD/impl/<name>, and that binary runs the family in place of
# contend_bench: the family's workloads over that design and ours.
#
# Sweeps: --quick the smallest (smoke tests, CI: 3 repetitions of 0.01 s);
# the default answers each family's question within the 15-minute budget of a
# whole run (5 repetitions of 0.05 s); --full the widest sweeps and time
# budgets, 5 repetitions of 0.1 s (a study, about twice as long).
# Thread counts follow the machine: 1, 2, 4, ... up to its cores, then 2x and
# 4x them (CT_NCPU=<n> pretends n cores); --threads 1,3,16 gives the list every
# workload sweeps instead, the Go peers' too (their -threads).
#
# Repetitions where they are needed (scripts/reps.py): after each family, the
# benchmarks whose median's 95% interval is wider than +-PCT% (default 3; 0:
# off; off with --quick unless given) run again until within it, at --reps-cap
# (10) repetitions, or after --reps-budget (10) seconds, which bounds each pass. --baseline: a JSON
# file or folder the report compares this run with ("against the baseline").
#
# Writes reports/out/json/<family>.json (Google Benchmark JSON with context,
# readable by compare.py), reports/out/json/probe.json (cache-line ping-pong
# before and after), then runs scripts/report.py (the package reports/) for
# the charts and reports/out/index.html. Exit: 0 ok, 1 a run failed
# verification, a family could not list its benchmarks, the Go peer failed
# (its verification, a panic) or the report failed; 2 bad usage.
set -uo pipefail
cd "$(dirname "$0")/.."

quick=0 full=0 family=all filter="" reps="" min_time="" build=build/release out=reports/out
extra=() ci_target="" reps_cap=10 reps_budget=10 baseline="" impl="" threads=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --full) full=1 ;;
    --family) family="${2:?--family needs a value}"; shift ;;
    --filter) filter="${2:?--filter needs a value}"; shift ;;
    --reps) reps="${2:?--reps needs a value}"; shift ;;
    --min-time) min_time="${2:?--min-time needs a value}"; shift ;;
    --build) build="${2:?}"; shift ;;
    --out) out="${2:?}"; shift ;;
    --ci-target) ci_target="${2:?--ci-target needs a value}"; shift ;;
    --reps-cap) reps_cap="${2:?--reps-cap needs a value}"; shift ;;
    --reps-budget) reps_budget="${2:?--reps-budget needs a value}"; shift ;;
    --baseline) baseline="${2:?--baseline needs a value}"; shift ;;
    --impl) impl="${2:?--impl needs a value}"; shift ;;
    --threads) threads="${2:?--threads needs a value}"; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "bench.sh: unknown argument '$1' (see the header of scripts/bench.sh)" >&2; exit 2 ;;
  esac
  shift
done
[[ $quick == 1 && $full == 1 ]] && { echo "bench.sh: --quick and --full exclude each other" >&2; exit 2; }
if [[ $quick == 1 ]]; then reps=${reps:-3} min_time=${min_time:-0.01}
elif [[ $full == 1 ]]; then reps=${reps:-5} min_time=${min_time:-0.1}
else reps=${reps:-5} min_time=${min_time:-0.05}; fi
[[ "$reps" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: REPS must be a positive integer, not '$reps'" >&2; exit 2; }
[[ "$min_time" =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "bench.sh: bad --min-time '$min_time'" >&2; exit 2; }

# adaptive repetitions and the baseline, checked before anything runs
[[ -z $ci_target ]] && { [[ $quick == 1 ]] && ci_target=0 || ci_target=3; }
[[ "$ci_target" =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "bench.sh: bad --ci-target '$ci_target'" >&2; exit 2; }
[[ "$reps_cap" =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: bad --reps-cap '$reps_cap'" >&2; exit 2; }
[[ "$reps_budget" =~ ^[0-9]*\.?[0-9]+$ ]] || { echo "bench.sh: bad --reps-budget '$reps_budget'" >&2; exit 2; }
[[ -z $baseline || -e $baseline ]] || { echo "bench.sh: BASELINE '$baseline': no such file or folder" >&2; exit 2; }

if [[ -n $impl ]]; then
  [[ -f $impl ]] || { echo "bench.sh: --impl '$impl': no such file" >&2; exit 2; }
  [[ $family == all || $family == *,* ]] &&
    { echo "bench.sh: --impl needs --family, the one family of its competitor" >&2; exit 2; }
fi

qflag=() fflag=()
[[ $quick == 1 ]] && qflag=(--quick)
[[ $full == 1 ]] && qflag=(--full)
[[ -n $filter ]] && fflag=(--benchmark_filter="$filter")
# contend_bench checks the list (and CT_NCPU) when the families are listed,
# before anything runs
[[ -n $threads ]] && fflag+=(--threads="$threads")

bin=$build/contend_bench probe=$build/contend_probe
[[ -x $bin && -x $probe ]] || { echo "bench.sh: $bin not built: run 'make bench'" >&2; exit 2; }
if [[ -n $impl ]]; then   # as a user outside the tree builds it (README: "Bring your own design")
  stage=$build/stage name=$(basename "$impl" .c)
  cmake --install "$build" --prefix "$stage" >/dev/null ||
    { echo "bench.sh: installing $build into $stage failed" >&2; exit 2; }
  pcflags=$(PKG_CONFIG_PATH=$stage/lib/pkgconfig pkg-config --cflags --libs contend-bench) ||
    { echo "bench.sh: pkg-config contend-bench failed (scripts/deps.sh installs pkg-config)" >&2; exit 2; }
  mkdir -p "$build/impl"
  # shellcheck disable=SC2086 # pkg-config's flags are words
  "${CC:-cc}" -O2 -g "$impl" $pcflags -o "$build/impl/$name" ||
    { echo "bench.sh: building $impl against contend-bench failed" >&2; exit 2; }
  bin=$build/impl/$name
  echo "== $impl: built into $bin" >&2
fi

all_families=$("$bin" --list-families) || exit 2
if [[ $family == all ]]; then families=$all_families
else
  families=$(tr ',' ' ' <<<"$family")
  for f in $families; do
    grep -qx "$f" <<<"$all_families" || {
      echo "bench.sh: unknown FAMILY '$f'; known: $(echo $all_families)" >&2; exit 2; }
  done
fi

# Which families have a benchmark matching FILTER? contend_bench exits 2 and
# says "no benchmark matches" when none does; any other failure to list (a
# crash, a bad regex) is reported, never taken for "no match".
status=0 selected=() broken=()
for f in $families; do
  err=$("$bin" --family="$f" "${qflag[@]}" "${fflag[@]}" --benchmark_list_tests=true 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -eq 0 ]]; then
    selected+=("$f")
  elif [[ $rc -eq 2 && $err == *"no benchmark matches"* ]]; then
    :   # FILTER leaves this family out
  elif [[ $rc -eq 2 ]]; then
    echo "bench.sh: listing family $f: ${err:-exit 2}" >&2; exit 2   # bad usage, e.g. the regex
  else
    why="exit $rc"
    ((rc > 128)) && why+=", killed by SIG$(kill -l $((rc - 128)))"
    echo "bench.sh: family $f: listing its benchmarks failed ($why); it is not run${err:+: $err}" >&2
    broken+=("$f") status=1
  fi
done
if [[ ${#selected[@]} -eq 0 && ${#broken[@]} -gt 0 ]]; then
  echo "bench.sh: no family could be listed: ${broken[*]}" >&2
  exit 1
fi
if [[ ${#selected[@]} -eq 0 ]]; then
  echo "bench.sh: FILTER '$filter' matches no benchmark in: $(echo $families)" >&2
  echo "  names read <family>/<workload>/<impl>/<param>:<value>.../threads:N, e.g. counter/incr/mutex" >&2
  exit 2
fi

mkdir -p "$out/json"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]] && commit="$commit-dirty"

# Go as a peer of the channel, pool, go, sem, once, waitgroup, rwlock, map and
# objpool families: the same workloads with Go's channels, goroutines and sync
# package, in Google Benchmark's JSON (impls go, go_pool, go_spawn,
# go_syncmap, go_syncpool...), drawn on the same charts. Each runs right after its C family,
# so the machine has changed little.
run_go_peer() {
  local fam=$1
  if ! command -v go >/dev/null 2>&1; then
    echo "bench.sh: go not installed: the Go peer of $fam is skipped (scripts/deps.sh installs golang-go)" >&2
    return 0
  fi
  echo "== $fam: the Go peer (workloads/go/, $(go version | cut -d' ' -f3))" >&2
  local goflags=(-family "$fam" -reps "$reps" -min_time "$min_time" -out "$out/json/${fam}_go.json")
  [[ $quick == 1 ]] && goflags+=(-quick)
  [[ -n $filter ]] && goflags+=(-filter "$filter")
  [[ -n $threads ]] && goflags+=(-threads "$threads")   # the same counts as the C side's
  # every file of the peer, one package main (chanbench.go sorts first: the binary is chanbench)
  GOCACHE="${GOCACHE:-$PWD/build/gocache}" go run workloads/go/*.go "${goflags[@]}"
  local rc=$?
  if [[ $rc -ne 0 ]]; then   # 1 a failed verification, 2 a panic or bad flags: both fail the bench
    echo "bench.sh: the Go peer of $fam exited $rc" >&2
    rm -f "$out/json/${fam}_go.json"
    status=1
  fi
  return 0
}

"$probe" > "$out/json/probe.before" || echo '{"error": "probe failed"}' > "$out/json/probe.before"
t0=$SECONDS
for f in "${selected[@]}"; do   # results of this run only: no stale peer or trace
  rm -f "$out/json/${f}_go.json"
  [[ $f == pool ]] && rm -f "$out/json/pool_trace.txt"
done
for f in "${selected[@]}"; do
  echo "== $f (reps $reps, min_time ${min_time}s${filter:+, filter '$filter'})" >&2
  CT_POOL_TRACE="$out/json/pool_trace.txt" \
  "$bin" --family="$f" "${qflag[@]}" "${fflag[@]}" \
    --benchmark_repetitions="$reps" --benchmark_min_time="$min_time" \
    --benchmark_display_aggregates_only=true \
    --benchmark_out="$out/json/$f.json" --benchmark_out_format=json \
    --benchmark_context=git_commit="$commit" "${extra[@]}"
  rc=$?
  if [[ $rc -ne 0 ]]; then
    echo "bench.sh: family $f exited $rc" >&2
    [[ $rc -eq 2 ]] && exit 2
    status=1
  fi
  if [[ $rc -ne 2 && $ci_target != 0 && $reps_cap -gt $reps ]]; then
    /usr/bin/python3 scripts/reps.py --bin "$bin" --family "$f" --json "$out/json/$f.json" \
      --target "$ci_target" --cap "$reps_cap" --budget "$reps_budget" --min-time "$min_time" \
      "${qflag[@]}" -- ${threads:+"--threads=$threads"} "${extra[@]}" || status=1
  fi
  [[ $f == chan || $f == pool || $f == go || $f == sem || $f == once || $f == waitgroup || $f == rwlock ||
     $f == map || $f == objpool ]] &&
    run_go_peer "$f"
done
"$probe" > "$out/json/probe.after" || echo '{"error": "probe failed"}' > "$out/json/probe.after"
/usr/bin/python3 - "$out/json" <<'PY'
import json, sys, pathlib
d = pathlib.Path(sys.argv[1])
probe = {k: json.loads((d / f"probe.{k}").read_text()) for k in ("before", "after")}
(d / "probe.json").write_text(json.dumps(probe, indent=2) + "\n")
for k in ("before", "after"):
    (d / f"probe.{k}").unlink()
PY
echo "== benchmarks done in $((SECONDS - t0)) s; drawing the report" >&2
fams=$(IFS=,; echo "${selected[*]}")
for g in chan_go pool_go go_go sem_go once_go waitgroup_go rwlock_go map_go objpool_go; do [[ -f "$out/json/$g.json" ]] && fams="$fams,$g"; done
bflag=()
[[ -n $baseline ]] && bflag=(--baseline "$baseline")
/usr/bin/python3 scripts/report.py --out "$out" --families "$fams" "${bflag[@]}" || status=1
exit $status
