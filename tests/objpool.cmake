# objpool.cmake: the object-pool family's tests (included by tests/CMakeLists.txt).
#
#   test_objpool_validate   every pool at 1, 2, 4 and 8 threads: a working set
#                           churned and batches handed between threads; no
#                           object held twice, every word as its holder wrote
#                           it; sizes 1 B to 1 MiB single-threaded; the bad tid
#                           abort; every tree (TSan: zero reports; ASan: LSan
#                           clean at free)
ct_add_test(test_objpool_validate 300 ${CMAKE_CURRENT_SOURCE_DIR}/test_objpool_validate.c)
