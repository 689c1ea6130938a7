"""errors: ReportError, a problem the user must fix (scripts/report.py prints
it and exits 1)."""


class ReportError(Exception):
    """A problem the user must fix; main() prints it and exits with status (1)."""
    status = 1


class UsageError(ReportError):
    """Bad arguments (e.g. --runs naming a directory without results): exit 2."""
    status = 2
