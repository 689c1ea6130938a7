# waitgroup.cmake: the WaitGroup family's tests (included by tests/CMakeLists.txt).
#
#   test_waitgroup_validate  every WaitGroup in fork-join rounds of 1, 2, 4 and
#                            8 task threads (no wait returns before every task
#                            of its round finished), on coroutines
#                            (CT_CAP_COROUTINE, one worker), the negative
#                            counter's abort; every tree (TSan: zero reports)
ct_add_test(test_waitgroup_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_waitgroup_validate.c)
