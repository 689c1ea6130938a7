# stack.cmake: the stack family's tests (included by tests/CMakeLists.txt).
#
#   test_stack_validate   every stack with CT_CAP_EXACT at 1, 2, 4 and 8
#                         threads, plus registry and semantics; every tree
#                         (TSan: zero reports; ASan: LSan clean)
#   test_stack_validate_ck  the same for ck, the Concurrency Kit peer, on its
#                         own so that ctest shows it skipped (exit 77, the
#                         runner's SKIP line saying why) when libck-dev is
#                         missing, rather than a pass
#   runner_skip_exit      the runner exits 77 when every case it ran was
#                         skipped (treiber_naive's validate case, alone)
#   test_stack_hazard     hazard pointers and the node pool on their own;
#                         every tree
#   test_stack_aba        the same forced ABA interleaving on treiber,
#                         elimination and treiber_noreclaim: no value lost or
#                         duplicated, for the reason each claims; every tree
#   stack_naive_aba       plain tree: the treiber_naive pitfall's ABA, forced
#                         by a test-only hook, must lose / duplicate values
#   stack_naive_uaf       ASan tree: the pitfall's use after free, forced by
#                         the hook, must be reported by ASan
#
# test_stack_aba and test_stack_naive compile the stacks' .c files a second
# time with their test-only hooks (CT_STACK_TEST_HOOKS, see
# primitives/stack/stack_hooks_internal.h), under other names; libcontend
# has none of them.

ct_add_test_binary(test_stack_validate ${CMAKE_CURRENT_SOURCE_DIR}/test_stack_validate.c)
add_test(NAME test_stack_validate COMMAND test_stack_validate --exclude=validate/ck)
ct_test_properties(test_stack_validate 300)
add_test(NAME test_stack_validate_ck COMMAND test_stack_validate validate/ck)
ct_test_properties(test_stack_validate_ck 120)
# The runner's side of that: treiber_naive's validate case is always a SKIP
# (a pitfall), so run alone it must exit 77, not 0.
add_test(NAME runner_skip_exit
         COMMAND sh -c "\"$0\" validate/treiber_naive; rc=$?; [ $rc -eq 77 ] || { echo \"exit $rc, expected 77\"; exit 1; }"
                 $<TARGET_FILE:test_stack_validate>)
ct_test_properties(runner_skip_exit 30)
ct_add_test(test_stack_hazard 120 ${CMAKE_CURRENT_SOURCE_DIR}/test_stack_hazard.c)
set(CT_STACK_DIR ${PROJECT_SOURCE_DIR}/primitives/stack)
ct_add_test(test_stack_aba 60 ${CMAKE_CURRENT_SOURCE_DIR}/test_stack_aba.c
            ${CT_STACK_DIR}/stack_treiber.c ${CT_STACK_DIR}/stack_elimination.c
            ${CT_STACK_DIR}/stack_treiber_noreclaim.c)
target_compile_definitions(test_stack_aba PRIVATE CT_STACK_TEST_HOOKS)

if(NOT CT_SANITIZE OR CT_SANITIZE MATCHES "address")
  add_executable(test_stack_naive ${CMAKE_CURRENT_SOURCE_DIR}/test_stack_naive.c
                 ${CT_STACK_DIR}/stack_treiber_naive.c)
  target_compile_definitions(test_stack_naive PRIVATE CT_STACK_TEST_HOOKS)
  target_link_libraries(test_stack_naive PRIVATE contend_testbuild ct_test)
  if(NOT CT_SANITIZE)
    add_test(NAME stack_naive_aba COMMAND test_stack_naive naive/aba_lost naive/aba_duplicated)
    set(CT_STACK_NAIVE_TEST stack_naive_aba)
  else()
    add_test(NAME stack_naive_uaf COMMAND test_stack_naive naive/uaf_reported)
    set(CT_STACK_NAIVE_TEST stack_naive_uaf)
  endif()
  ct_test_properties(${CT_STACK_NAIVE_TEST} 60)
endif()
