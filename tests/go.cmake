# go.cmake: the coroutine runtime's tests (included by tests/CMakeLists.txt).
#
#   test_go_validate   100 000 coroutines, nested spawns, stack reuse,
#                      channels between coroutines for every design that
#                      parks coroutines, thread <-> coroutine hand-offs,
#                      timeouts and sleeps while parked, close, yield,
#                      WaitGroups, 8 workers on 2 cores, shutdown's report;
#                      every tree (TSan and ASan follow the coroutines
#                      through their fiber APIs)
ct_add_test(test_go_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_go_validate.c)
