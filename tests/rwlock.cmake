# rwlock.cmake: the rwlock family's tests (included by tests/CMakeLists.txt).
#
#   test_rwlock_validate  every registered rwlock at 1, 2, 4 and 8 threads
#                         (snapshots whole, reads linearizable, no write
#                         lost), plus registry, create/destroy, thread churn
#                         (RCU's registration) and brlock's bad tid; every
#                         tree (TSan: zero reports; ASan: LSan clean)
#
# Each case runs in a child process with its own timeout (tests/ct_test.c);
# ctest's TIMEOUT is the backstop for the binary. Both scale with CT_TIMEOUT_MULT.

ct_add_test(test_rwlock_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_rwlock_validate.c)

# test_rwlock_seqlock: the seqlock's two races forced by test-only hooks
# (rwlock_seqlock.c compiled again with CT_RWLOCK_TEST_HOOKS, under another
# name; libcontend has no hooks); every tree.
ct_add_test(test_rwlock_seqlock 60 ${CMAKE_CURRENT_SOURCE_DIR}/test_rwlock_seqlock.c
            ${PROJECT_SOURCE_DIR}/primitives/rwlock/rwlock_seqlock.c)
target_compile_definitions(test_rwlock_seqlock PRIVATE CT_RWLOCK_TEST_HOOKS)
