# The report test: scripts/report.py end to end on the fixtures in tests/data
# (charts, .dat, index.html, summary.json, and its errors on bad input).
# Needs Debian's /usr/bin/python3 and gnuplot; included by
# tests/CMakeLists.txt in the bench build.
# About 17 runs of report.py, each importing scipy for its intervals (1-2 s on
# a busy 2-core host): 240 s leaves room when make test runs beside other work.
ct_add_py_test(report 240 test_report.py)
set_tests_properties(report PROPERTIES LABELS "report")
# Several machines in one report (scripts/report.py --runs, make report RUNS=...).
ct_add_py_test(report_machines 180 test_machines.py)
set_tests_properties(report_machines PROPERTIES LABELS "report")
