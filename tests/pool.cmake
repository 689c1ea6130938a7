# pool.cmake: the pool family's tests (included by tests/CMakeLists.txt).
#
#   test_pool_validate   every pool at 1, 2, 4 and 8 submitters (each task
#                        exactly once), shutdown while running and while
#                        submitters are blocked, abort's dropped count,
#                        submit_ctx cancelled with 100 submitters blocked,
#                        errors, dynamic's bounds and retirement, a thread
#                        that cannot start (ct_fault.h), registry;
#                        every tree (TSan: zero reports; ASan: LSan clean;
#                        the runner's leak check: no thread left)
ct_add_test(test_pool_validate 120 ${CMAKE_CURRENT_SOURCE_DIR}/test_pool_validate.c)
ct_test_faults(test_pool_validate)
