# The classifier behind every pitfall verdict and diagnose (scripts/ct_diag.py),
# on canned sanitizer logs and watchdog outputs: every tree.
ct_add_py_test(diag_classifier 60 test_diag.py)
