"""reports: Google Benchmark JSON -> gnuplot charts, an HTML report and summary.json.

The package behind scripts/report.py, its entry point (reports/README.md).
Standard library only (Debian's /usr/bin/python3), plus the gnuplot binary.
The pipeline, one module per concern:

    parse     load the JSON files, split benchmark names into their parts
    model     group the repetitions of each benchmark into a Row with its
              statistics, the Rows into Families
    probe     the ping-pong probe, before and after the run
    kinds     which chart each workload gets
    charts    a family's rows as charts and panels
    dat       a chart's numbers (.dat)
    legend    the shared key and caption under a chart's panels
    gpscript  a chart's gnuplot script (.gp)
    gnuplot   finding and running gnuplot: .dat + .gp -> .png and .svg
    env       the environment table, from the files' context blocks
    page      index.html
    summary   summary.json
    sections  family-specific sections (chan against Go, pool claims and trace)
    fmt       formatting shared by the modules above (esc, gp_str, ...)
    errors    ReportError: a problem the user must fix (exit 1)
    cli       the command line: main()
"""

from reports.cli import main

__all__ = ["main"]
