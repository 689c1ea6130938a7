# The classifier behind every pitfall verdict and diagnose (scripts/ct_diag.py),
# on canned sanitizer logs and watchdog outputs: every tree.
ct_add_py_test(diag_classifier 60 test_diag.py)
# diagnose on whole programs: two files, C++, a build command, --runs, bad input.
# Plain tree only: it builds its own programs and needs no contend tree.
if(NOT CT_SANITIZE)
  ct_add_py_test(diagnose_programs 300 test_diagnose_programs.py)
endif()
