"""errors: ReportError, a problem the user must fix (scripts/report.py prints
it and exits 1)."""


class ReportError(Exception):
    """A problem the user must fix; main() prints it and exits 1."""
