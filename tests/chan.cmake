# chan.cmake: the channel family's tests (included by tests/CMakeLists.txt).
#
#   test_chan_conformance  every general design of chan_list.h: blocking and
#                          non-blocking on empty/full/closed at caps 0, 1, 2,
#                          close waking waiters, select, FIFO chain, prime
#                          sieve, 4x4 MPMC, element sizes, the deadlock
#                          watchdog naming channel waits; plus the registry.
#                          Built in every tree (about 3 s plain, 6 s TSan).
#
# Each case runs in its own child with its own timeout (ct_test); ctest's
# TIMEOUT is the backstop for the whole binary. Both scale with CT_TIMEOUT_MULT.

ct_add_test(test_chan_conformance 240 ${CMAKE_CURRENT_SOURCE_DIR}/test_chan_conformance.c)

# test_chan_ring_futex   ring_futex's waits at their edges, built by hand
#                        through its private headers: a timed send past its
#                        deadline during a take, a timed receive on a closed
#                        channel owed a value, a waker held off the watcher
#                        lock (ct_fault.h counts its yields); every tree
ct_add_test(test_chan_ring_futex 60 ${CMAKE_CURRENT_SOURCE_DIR}/test_chan_ring_futex.c)
ct_test_faults(test_chan_ring_futex)
