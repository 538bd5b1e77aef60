"""Named errors; the CLI turns each into one line on stderr and exit status 2."""


class QdnError(Exception):
    """Base of every error a user can cause or fix; the message says what to do next."""


class UsageError(QdnError):
    """A bad option value (a date, a limit, a format)."""


class QuerySyntaxError(QdnError):
    """A search query that cannot be parsed."""


class IndexBusyError(QdnError):
    """Another process is writing the index."""


class IndexWriteError(QdnError):
    """The index cannot be written (read-only folder, disk full)."""


class NotFoundError(QdnError):
    """No record or path matches what was asked for."""
