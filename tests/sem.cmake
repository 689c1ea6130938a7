# sem.cmake: the semaphore family's tests (included by tests/CMakeLists.txt).
#
#   test_sem_validate   every semaphore at 1, 2, 4 and 8 threads through all
#                       four acquire verbs (limit never exceeded, exact total
#                       under a 1-token semaphore, every token back), on
#                       coroutines (CT_CAP_COROUTINE), timeouts, contexts,
#                       the release check; every tree (TSan: zero reports)
ct_add_test(test_sem_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_sem_validate.c)
