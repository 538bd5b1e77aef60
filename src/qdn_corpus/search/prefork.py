"""A search's words, cut (and its phrases looked up) in a process forked before anything heavy
is imported.

Loading the tokeniser's dictionary takes 0.12 s, a quarter of a cold search at 100,000
documents. `qdn search` forks this helper first thing; it loads the dictionary while the parent
parses the command line. The parent sends the query as soon as it has it, and takes the cuts
once the index is open. Then the helper checks, segment by segment, the texts the query's
bigrams cannot settle alone (a phrase, a word of three characters or more) in the folded
bodies: 85,000 bodies for "商环境" at 100,000 documents, 0.13 s. When the command first needs a
body check it takes the segments answered so far and checks the others itself, from the last
one back, so the two cores share what is left. Nothing is lost when the helper fails: the
parent cuts and checks itself. Only os, json, base64, array and a few small modules (and
store/forked.py) are imported here before the fork.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import signal
from array import array
from collections.abc import Iterator
from typing import Any

from qdn_corpus.store import forked


class Tokenizer:
    def __init__(self) -> None:
        self.sent = False
        self.pid, self.query_w, self.answer_r = forked.fork(_helper)

    def send(self, query: str, index: str | None = None) -> None:
        """Give the helper the query, and the index folder whose bodies it may check, now."""
        if not self.pid or self.sent:
            return
        self.sent = True
        try:
            with os.fdopen(self.query_w, "w", encoding="utf-8") as f:
                f.write(json.dumps({"query": query, "index": index}) + "\n")
        except OSError:
            pass  # the helper is gone: receive() finds nothing

    def receive(self) -> None:
        """Wait for the helper's cuts and hand them to text/tokens.py. Its body checks come
        segment by segment: they are taken when store/fulltext.py first asks for one, and the
        command then checks, from the last segment back, those the helper has not reached."""
        if not self.pid:
            return
        answers = _Answers(self.answer_r, self.pid)
        self.pid = 0
        if not self.sent:
            os.close(self.query_w)  # nothing was asked: the helper reads EOF and exits
        try:
            cuts = json.loads(answers.line(wait=True) or "{}")
        except (OSError, ValueError):
            cuts = {}  # the query did not parse, or the helper failed: the words are cut here
        from qdn_corpus.text.tokens import remember

        remember({mode: cuts[mode] for mode in ("cut", "cut_for_search") if mode in cuts})
        if cuts.get("segments") and cuts.get("needles"):
            from qdn_corpus.store.fulltext import await_containing

            atexit.register(answers.stop)  # a command that never checks a body stops it as it leaves
            await_containing(lambda: answers.share(cuts["segments"], cuts["needles"]))
        else:
            answers.stop()


class _Answers:
    """The helper's answer lines, read as they come (wait=False) or waited for."""

    def __init__(self, fd: int, pid: int) -> None:
        self.fd, self.pid, self.buffer, self.eof = fd, pid, b"", False

    def line(self, wait: bool) -> str | None:
        import select

        while b"\n" not in self.buffer and not self.eof:
            if not wait and not select.select([self.fd], [], [], 0)[0]:
                return None
            chunk = os.read(self.fd, 1 << 20)
            self.eof = not chunk
            self.buffer += chunk
        line, found, rest = self.buffer.partition(b"\n")
        if not found:
            return None
        self.buffer = rest
        return line.decode("utf-8")

    def share(self, segments: list[str], needles: list[str]) -> None:
        """Every segment's body checks: the helper's, as they come, while this process checks
        the segments it has not reached, from the last one back (the two cores share what is
        left when the command is ready); then stop the helper."""
        from qdn_corpus.store import fulltext

        left = list(segments)
        try:
            while left:
                while left and (line := self.line(wait=False)) is not None:
                    part = json.loads(line)
                    if part["base"] in left:
                        left.remove(part["base"])
                        fulltext.remember_containing({(part["base"], needle): array("I", base64.b64decode(found))
                                                      for needle, found in part["found"].items()})
                if not left or self.eof:
                    break  # the helper failed: the command checks the rest as it goes
                base = left.pop()
                store = fulltext.reader(*os.path.split(base))
                fulltext.remember_containing({(base, needle): store.containing_list(needle) for needle in needles})
        except (OSError, ValueError, KeyError):
            pass  # what is not answered, the command checks as it goes
        finally:
            self.stop()

    def stop(self) -> None:
        """Close the pipe and end the helper, once."""
        if self.pid:
            pid, self.pid = self.pid, 0
            os.close(self.fd)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def _helper(query_r: int, answer_w: int) -> None:
    """The helper's process: load the dictionary, then answer the one query it is sent."""
    from qdn_corpus.text import tokens

    tokens.cut("预热")  # loads the dictionary while the parent works
    with os.fdopen(query_r, encoding="utf-8") as f:
        line = f.readline()  # one JSON line: not EOF, which a forked grandchild could hold off
    if line:
        import fcntl

        with contextlib.suppress(OSError, AttributeError):  # a segment's answer without waiting for the reader (Linux)
            fcntl.fcntl(answer_w, fcntl.F_SETPIPE_SZ, 1 << 20)
        with os.fdopen(answer_w, "w", encoding="utf-8") as out:
            for part in answer_for(json.loads(line)):  # the cuts, then each segment's body checks
                out.write(json.dumps(part, ensure_ascii=False) + "\n")
                out.flush()


def answer_for(request: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The helper's answer in parts: every cut a compiled query will ask for, by mode and folded
    text, with (when told the index) the segments it checks and the texts it checks in them;
    then each segment's matches, first to last, by its real path, as base64 of u32 arrays."""
    from qdn_corpus.search.language import parse_query, terms_to_tokenize
    from qdn_corpus.store.index import current_folder
    from qdn_corpus.text.tokens import cut, cut_for_search

    node = parse_query(request["query"])
    texts = terms_to_tokenize(node)
    folder = current_folder(request["index"]) if request.get("index") else None
    needles = body_checks(node) if folder is not None else []
    readers = []
    if folder is not None and needles:
        from qdn_corpus.store.engine import committed_segments
        from qdn_corpus.store.fulltext import SegmentReader

        readers = [SegmentReader(str(folder), sid) for sid in committed_segments(folder)]  # complete files only
    bases = [os.path.realpath(reader.base) for reader in readers]
    yield {"cut": {t: cut(t) for t in texts}, "cut_for_search": {t: cut_for_search(t) for t in texts},
           "segments": bases, "needles": needles}
    for base, reader in zip(bases, readers, strict=True):
        yield {"base": base, "found": {n: base64.b64encode(array("I", reader.containing_list(n))).decode() for n in needles}}


def body_checks(node: Any) -> list[str]:
    """The folded texts a compiled query's match looks for in every body with more than its
    bigrams: a phrase, a body: field, a word of three characters or more (plan.compile_node's
    BodyContains leaves; test_prefork holds the two to the same answer)."""
    from qdn_corpus.search.language import Bool, Not
    from qdn_corpus.text.tokens import query_words

    if isinstance(node, Bool):
        return list(dict.fromkeys(t for c in node.children for t in body_checks(c)))
    if isinstance(node, Not):
        return body_checks(node.child)
    if node.prefix or node.field not in (None, "body"):
        return []
    texts = [node.folded] if node.phrase or node.field == "body" else query_words(node.folded) or [node.folded]
    return [t for t in texts if len(t) > 2]


STARTED: Tokenizer | None = None


def start() -> None:
    """Fork the helper now (the entry point does, before importing typer)."""
    global STARTED
    STARTED = Tokenizer()


def take() -> Tokenizer:
    """The helper forked at start-up, or a new one."""
    global STARTED
    helper, STARTED = STARTED, None
    return helper or Tokenizer()
