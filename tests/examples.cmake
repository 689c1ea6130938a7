# examples.cmake: the out-of-tree competitors of examples/ (included by
# tests/CMakeLists.txt; tests/test_examples.py says what each case checks).
#
#   validate_example_<fam>   the family's validate driver linked with the
#                            example (registered at run time): its registry
#                            case and the example's cases; every tree
#   install_<fam>            the example built against the installed package
#                            with pkg-config and the system cc, its family run
#                            (--quick, tiny runs); plain tree
#   install_broken           the counter example built -DEXAMPLE_BROKEN: exit 1,
#                            every run failing its verification
#   install_bad_registration a taken name: exit 2, one line
#
# The family is an example's first word; its validate driver is
# test_<fam>_validate.c (chan: test_chan_conformance.c, which runs the general
# designs only, so a benchmark-only example gets its registry case there).
file(GLOB CT_EXAMPLES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/examples/*.c)
set(CT_EXAMPLES_PY ${CMAKE_CURRENT_SOURCE_DIR}/test_examples.py)
foreach(src ${CT_EXAMPLES})
  get_filename_component(stem ${src} NAME_WE)
  string(REGEX REPLACE "_.*" "" fam ${stem})
  set(driver ${CMAKE_CURRENT_SOURCE_DIR}/test_${fam}_validate.c)
  if(fam STREQUAL "chan")
    set(driver ${CMAKE_CURRENT_SOURCE_DIR}/test_chan_conformance.c)
  endif()
  if(NOT EXISTS ${driver})
    message(FATAL_ERROR "examples/${stem}.c: no validate driver ${driver} for family ${fam}")
  endif()
  ct_add_test_binary(example_${fam}_validate ${driver} ${src})
  file(READ ${driver} driver_text)
  string(FIND "${driver_text}" "ct_fault.h" uses_faults)
  if(uses_faults GREATER -1) # the driver injects failures (pool: a thread that cannot start)
    ct_test_faults(example_${fam}_validate)
  endif()
  add_test(NAME validate_example_${fam}
           COMMAND /usr/bin/python3 ${CT_EXAMPLES_PY} validate
                   $<TARGET_FILE:example_${fam}_validate> ${src})
  ct_test_properties(validate_example_${fam} 300)
  if(CT_WITH_BENCH AND NOT CT_SANITIZE)
    add_test(NAME install_${fam}
             COMMAND /usr/bin/python3 ${CT_EXAMPLES_PY} install ${PROJECT_BINARY_DIR} ${src})
    ct_test_properties(install_${fam} 300)
  endif()
endforeach()
if(CT_WITH_BENCH AND NOT CT_SANITIZE)
  add_test(NAME install_broken COMMAND /usr/bin/python3 ${CT_EXAMPLES_PY} broken ${PROJECT_BINARY_DIR})
  ct_test_properties(install_broken 300)
  add_test(NAME install_bad_registration
           COMMAND /usr/bin/python3 ${CT_EXAMPLES_PY} bad_registration ${PROJECT_BINARY_DIR})
  ct_test_properties(install_bad_registration 120)
endif()
