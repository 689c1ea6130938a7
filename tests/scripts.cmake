# The entry points in scripts/ and the Go peer, on fakes and tiny runs (no
# benchmark is timed): bench.sh's exit status when a part fails, the Go
# peer's units. Included by tests/CMakeLists.txt in the bench build.
ct_add_py_test(bench_script 120 test_bench_script.py)
ct_add_py_test(go_peer_units 300 test_go_peer.py)
# go missing: the test says so and ctest counts it as skipped, not passed.
set_tests_properties(go_peer_units PROPERTIES SKIP_RETURN_CODE 77)
