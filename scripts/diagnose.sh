#!/usr/bin/env bash
# diagnose.sh: see scripts/diagnose.py (TSan and ASan builds of any C file, classified).
exec /usr/bin/python3 "$(dirname "$0")/diagnose.py" "$@"
