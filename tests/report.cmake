# The report test: scripts/report.py end to end on the fixtures in tests/data
# (charts, .dat, index.html, summary.json, and its errors on bad input).
# Needs Debian's /usr/bin/python3 (standard library only) and gnuplot;
# included by tests/CMakeLists.txt in the bench build.
math(EXPR CT_REPORT_TIMEOUT "120 * ${CT_TIMEOUT_MULT}")
add_test(NAME report
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/test_report.py)
set_tests_properties(report PROPERTIES
                     TIMEOUT ${CT_REPORT_TIMEOUT}
                     LABELS "report")
