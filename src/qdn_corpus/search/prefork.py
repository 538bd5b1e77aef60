"""A search's words, cut (and its phrases looked up) in a process forked before anything heavy
is imported.

Loading the tokeniser's dictionary takes 0.12 s, a quarter of a cold search at 100,000
documents. `qdn search` forks this helper first thing; it loads the dictionary while the parent
parses the command line. The parent sends the query as soon as it has it, and takes the answer
once the index is open. Meanwhile the helper cuts the query's words and checks, in every
segment's folded bodies, the texts the query's bigrams cannot settle alone (a phrase, a word of
three characters or more): 85,000 bodies for "商环境" at 100,000 documents, 0.1 s, done while the
parent imports numpy and opens the index on the other core. Nothing is lost when it fails: the parent
cuts and checks itself. Only os, json, base64 and array (and store/forked.py) are imported here
before the fork.
"""

from __future__ import annotations

import base64
import json
import os
from array import array
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
        """Wait for the helper's answer and hand it to text/tokens.py and store/fulltext.py."""
        if not self.pid:
            return
        pid, self.pid = self.pid, 0
        try:
            if not self.sent:
                os.close(self.query_w)  # nothing was asked: the helper reads EOF and exits
            with os.fdopen(self.answer_r, encoding="utf-8") as f:
                data = f.read()
            os.waitpid(pid, 0)
            answer = json.loads(data) if data else {}
        except (OSError, ValueError):
            return  # the query did not parse, or the helper failed: the words are cut here
        from qdn_corpus.text.tokens import remember

        remember({mode: answer[mode] for mode in ("cut", "cut_for_search") if mode in answer})
        if answer.get("contains"):
            from qdn_corpus.store.fulltext import remember_containing

            remember_containing({(base, needle): array("I", base64.b64decode(found))
                                 for base, by_needle in answer["contains"].items() for needle, found in by_needle.items()})


def _helper(query_r: int, answer_w: int) -> None:
    """The helper's process: load the dictionary, then answer the one query it is sent."""
    from qdn_corpus.text import tokens

    tokens.cut("预热")  # loads the dictionary while the parent works
    with os.fdopen(query_r, encoding="utf-8") as f:
        line = f.readline()  # one JSON line: not EOF, which a forked grandchild could hold off
    if line:
        answer = answer_for(json.loads(line))
        with os.fdopen(answer_w, "w", encoding="utf-8") as out:
            json.dump(answer, out, ensure_ascii=False)


def answer_for(request: dict[str, Any]) -> dict[str, Any]:
    """The helper's answer: every cut a compiled query will ask for, by mode and folded text,
    then (when told the index) its body texts' matches by segment, as base64 of u32 arrays."""
    from qdn_corpus.search.language import parse_query, terms_to_tokenize
    from qdn_corpus.store.index import current_folder
    from qdn_corpus.text.tokens import cut, cut_for_search

    node = parse_query(request["query"])
    texts = terms_to_tokenize(node)
    answer: dict[str, Any] = {"cut": {t: cut(t) for t in texts}, "cut_for_search": {t: cut_for_search(t) for t in texts}}
    folder = current_folder(request["index"]) if request.get("index") else None
    needles = body_checks(node) if folder is not None else []
    if folder is not None and needles:
        from qdn_corpus.store.engine import committed_segments
        from qdn_corpus.store.fulltext import SegmentReader

        readers = [SegmentReader(str(folder), sid) for sid in committed_segments(folder)]  # complete files only
        answer["contains"] = {
            os.path.realpath(reader.base): {n: base64.b64encode(array("I", reader.containing_list(n))).decode() for n in needles}
            for reader in readers
        }
    return answer


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
