#!/usr/bin/python3
"""report.py: Google Benchmark JSON -> gnuplot charts, an HTML report and summary.json.

    /usr/bin/python3 scripts/report.py [--out reports/out] [--families counter,...] [--no-charts]

Reads <out>/json/<family>.json (every file but probe.json, or the families
named), and writes:
    <out>/<family>/<workload>.dat   the plotted numbers, with a commented header
    <out>/<family>/<workload>.gp    the gnuplot script that drew the chart (rerunnable)
    <out>/<family>/<workload>.png   and .svg: the chart
    <out>/index.html                charts, environment, probe, tables of medians
    <out>/summary.json              the tables' figures, machine-readable
and prints every path it wrote. Exits 1 with a message saying what to do when
the input or gnuplot is missing or broken (2 on bad arguments).

The entry point only: the pipeline is the package reports/ (reports/README.md).
Standard library only (Debian's /usr/bin/python3), plus the gnuplot binary.
The environment variable CT_GNUPLOT names another gnuplot binary (tests use it).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import reports  # noqa: E402  (the repository root is on sys.path now)

if __name__ == "__main__":
    sys.exit(reports.main())
