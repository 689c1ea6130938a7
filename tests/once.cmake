# once.cmake: the once family's tests (included by tests/CMakeLists.txt).
#
#   test_once_validate  every once at 1, 2, 4 and 8 threads racing fresh
#                       onces (each init exactly once, no caller returns
#                       before it finished), on coroutines (CT_CAP_COROUTINE);
#                       every tree (TSan: zero reports)
ct_add_test(test_once_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_once_validate.c)
