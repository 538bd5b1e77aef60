"""A search's words, cut in a process forked before anything heavy is imported.

Loading the tokeniser's dictionary takes 0.12 s, a quarter of a cold search at 100,000
documents. `qdn search` forks this helper first thing; it loads the dictionary while the parent
parses the command line and opens the index, then cuts the query it is sent. Nothing is lost
when it fails: the parent cuts the words itself. Only os and json are imported here.
"""

from __future__ import annotations

import json
import os


class Tokenizer:
    def __init__(self) -> None:
        self.pid = 0
        if not hasattr(os, "fork"):
            return
        query_r, query_w = os.pipe()
        answer_r, answer_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: never returns, never touches the parent's output
            try:
                os.close(query_w)
                os.close(answer_r)
                from qdn_corpus.text import tokens

                tokens.cut("预热")  # loads the dictionary while the parent works
                with os.fdopen(query_r, encoding="utf-8") as f:
                    line = f.readline()  # one JSON line: not EOF, which a forked grandchild could hold off
                if line:
                    answer = tokens_for_query(json.loads(line))
                    with os.fdopen(answer_w, "w", encoding="utf-8") as out:
                        json.dump(answer, out, ensure_ascii=False)
            finally:
                os._exit(0)
        os.close(query_r)
        os.close(answer_w)
        self.pid, self.query_w, self.answer_r = pid, query_w, answer_r

    def cut(self, query: str) -> None:
        """Send the query, wait for its cuts and hand them to text/tokens.py."""
        if not self.pid:
            return
        pid, self.pid = self.pid, 0
        try:
            with os.fdopen(self.query_w, "w", encoding="utf-8") as f:
                f.write(json.dumps(query) + "\n")
            with os.fdopen(self.answer_r, encoding="utf-8") as f:
                data = f.read()
            os.waitpid(pid, 0)
            tokens = json.loads(data)
        except (OSError, ValueError):
            return  # the query did not parse, or the helper failed: the words are cut here
        from qdn_corpus.text.tokens import remember

        remember(tokens)


def tokens_for_query(query: str) -> dict[str, dict[str, list[str]]]:
    """Every cut a compiled query will ask for, by mode and folded text."""
    from qdn_corpus.search.language import parse_query, terms_to_tokenize
    from qdn_corpus.text.tokens import cut, cut_for_search

    texts = terms_to_tokenize(parse_query(query))
    return {"cut": {t: cut(t) for t in texts}, "cut_for_search": {t: cut_for_search(t) for t in texts}}


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
