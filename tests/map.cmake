# map.cmake: the map family's tests (included by tests/CMakeLists.txt).
#
#   test_map_validate   every registered map at 1, 2, 4 and 8 threads (a
#                       sequential replay of the successful inserts and
#                       deletes explains every key's presence; every value
#                       read was written for its key; load_or_store raced on
#                       the same keys has exactly one winner per key), plus
#                       registry, create/destroy and the sequential contract,
#                       thread churn (RCU's registration); every tree (TSan:
#                       zero reports; ASan: LSan clean)
#
# Each case runs in a child process with its own timeout (tests/ct_test.c);
# ctest's TIMEOUT is the backstop for the binary. Both scale with CT_TIMEOUT_MULT.

ct_add_test(test_map_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_map_validate.c)
