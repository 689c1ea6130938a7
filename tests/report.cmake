# The report test: scripts/report.py end to end on the fixtures in tests/data
# (charts, .dat, index.html, summary.json, and its errors on bad input).
# Needs Debian's /usr/bin/python3 and gnuplot; included by
# tests/CMakeLists.txt in the bench build.
ct_add_py_test(report 120 test_report.py)
set_tests_properties(report PROPERTIES LABELS "report")
