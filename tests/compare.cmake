# The regression gate and make ab: scripts/compare.sh and scripts/ab.py on
# result files written by the test, on bad input, and live on tiny runs of
# contend_bench in interleaved rounds (A/A, an injected slowdown). Needs
# Debian's /usr/bin/python3 with python3-scipy; included by
# tests/CMakeLists.txt in the bench build.
ct_add_py_test(compare 600 test_compare.py ${PROJECT_BINARY_DIR})
set_tests_properties(compare PROPERTIES LABELS "report")
