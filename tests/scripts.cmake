# The entry points in scripts/ and the Go peer, on fakes and tiny runs (no
# benchmark is timed). Included by tests/CMakeLists.txt in the bench build.
# bench.sh's exit status when a part fails; the Go peer's units.
ct_add_py_test(bench_script 120 test_bench_script.py)
ct_add_py_test(go_peer_units 300 test_go_peer.py)
# go missing: the test says so and ctest counts it as skipped, not passed.
set_tests_properties(go_peer_units PROPERTIES SKIP_RETURN_CODE 77)
# The pitfall runner's verdicts (a finding counts at the catalog's frame only)
# and its litmus run (a crash or a stale result file fails).
ct_add_py_test(pitfalls_runner 60 test_pitfalls.py)
# The Makefile refuses bad input before it builds, and quotes what it passes on.
ct_add_py_test(make_input 120 test_make.py)
# deps.sh requires only what the targets need; optional packages are skipped.
ct_add_py_test(deps_script 60 test_deps.py)
