"""Named errors; the CLI turns each into one line on stderr and its exit status (cli._errors,
the one place that does)."""


class QdnError(Exception):
    """Base of every error a user can cause or fix; the message says what to do next."""

    exit_code = 2  # grep's: 2 an error


class UsageError(QdnError):
    """A bad option value (a date, a limit, a format)."""


class QuerySyntaxError(QdnError):
    """A search query that cannot be parsed."""


class IndexBusyError(QdnError):
    """Another process is writing the index."""


class IndexWriteError(QdnError):
    """The index cannot be written (read-only folder, disk full)."""


class IndexDamagedError(QdnError):
    """A file of the index is missing or unreadable: only a rebuild mends it."""


class IndexChangedError(QdnError):
    """A commit removed the state of the index a command was reading: running it again reads the new one."""


class NotFoundError(QdnError):
    """A path or folder that does not exist."""


class NoSuchRecordError(NotFoundError):
    """No record has the id asked for: like a search that found nothing, exit status 1."""

    exit_code = 1


class ClusterError(QdnError):
    """The Dask cluster cannot be reached, runs another qdn, or failed mid-build."""
