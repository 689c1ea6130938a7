# Harness tests: a C benchmark through ct_bench.h, checked from its JSON.
add_executable(test_harness_bench ${CMAKE_CURRENT_SOURCE_DIR}/test_harness_bench.c)
set_target_properties(test_harness_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
target_link_libraries(test_harness_bench PRIVATE contend_harness contend)
ct_add_py_test(harness_c_api 120 test_harness.py ${PROJECT_BINARY_DIR})
# Thread counts from the machine (harness/ct_sweep.c): CT_NCPU, --threads=, errors.
ct_add_py_test(harness_sweep 120 test_sweep.py ${PROJECT_BINARY_DIR})
