#!/usr/bin/env bash
# compare.sh BASE NEW [options]: does NEW regress against BASE? The command CI
# calls (make compare is a convenience wrapper: GNU make turns any failed
# recipe into status 2, which would hide a regression's 1).
#   scripts/compare.sh reports/base/counter.json reports/out/json/counter.json
#   scripts/compare.sh origin/main HEAD --quick      (two commits, built and run here)
# Exit: 0 no regression, 1 a regression, 2 bad input. Options and the method:
# the header of scripts/compare.py. scipy (Debian's python3-scipy) runs under
# /usr/bin/python3, not the first python3 on PATH.
cd "$(dirname "$0")/.." || exit 2
exec /usr/bin/python3 scripts/compare.py "$@"
