"""A helper process with a pipe each way: search/prefork.py's tokeniser and store/workers.py's
preparer. Only os is imported here: the search helper forks before anything heavy is."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def fork(work: Callable[[int, int], None]) -> tuple[int, int, int]:
    """Fork a child that runs work(the request pipe to read, the answer pipe to write) and exits
    whatever happens, never returning into the caller's code nor touching its output. Returns
    (pid, the request pipe to write, the answer pipe to read); pid 0 where there is no fork."""
    if not hasattr(os, "fork"):
        return 0, -1, -1
    request_r, request_w = os.pipe()
    answer_r, answer_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(request_w)
            os.close(answer_r)
            work(request_r, answer_w)
        finally:
            os._exit(0)
    os.close(request_r)
    os.close(answer_w)
    return pid, request_w, answer_r
