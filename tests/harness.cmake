# Harness tests: a C benchmark through ct_bench.h, checked from its JSON.
add_executable(test_harness_bench ${CMAKE_CURRENT_SOURCE_DIR}/test_harness_bench.c)
set_target_properties(test_harness_bench PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR})
target_link_libraries(test_harness_bench PRIVATE contend_harness)
add_test(NAME harness_c_api
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/test_harness.py ${PROJECT_BINARY_DIR})
math(EXPR CT_HARNESS_TIMEOUT "120 * ${CT_TIMEOUT_MULT}")
set_tests_properties(harness_c_api PROPERTIES TIMEOUT ${CT_HARNESS_TIMEOUT} ENVIRONMENT "${CT_TEST_ENV}")
