# counter.cmake: the counter family's tests (included by tests/CMakeLists.txt).
#
#   test_counter_validate  every registered counter with CT_CAP_EXACT, at
#                          1, 2, 4 and 8 threads, plus registry sanity;
#                          built in every tree
#   test_counter_racy      TSan tree only: TSan must report the `racy` pitfall
#
# Each binary runs its cases in child processes with per-case timeouts
# (tests/ct_test.c); ctest's TIMEOUT below is only the backstop for the whole
# binary. Both scale with CT_TIMEOUT_MULT.

ct_add_test(test_counter_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_counter_validate.c)
if(CT_SANITIZE STREQUAL "thread")
  ct_add_test(test_counter_racy 60 ${CMAKE_CURRENT_SOURCE_DIR}/test_counter_racy.c)
endif()
