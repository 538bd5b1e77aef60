"""qdn: a folder of Chinese policy documents as a searchable, analysable corpus.

    from qdn_corpus import Corpus
    corpus = Corpus("data")
    hits = corpus.search("承诺兑现", since="2022-11", region="黔东南")

The library is the product; the `qdn` command is a thin shell over it (see README, "Library").
Importing this package is cheap: Corpus and the models load here, everything else on use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qdn_corpus.api import Corpus, Figures, FilterOptions
    from qdn_corpus.errors import NoSuchRecordError, QdnError, QuerySyntaxError, UsageError
    from qdn_corpus.models import (
        Attachment,
        Citation,
        CitationRow,
        CitedByRow,
        DupRow,
        FigureRow,
        Heading,
        Hit,
        Record,
        RefRow,
        Region,
        Snippet,
        StatsRow,
        TrendRow,
    )
    from qdn_corpus.results import Results

# Where each public name lives: imported on first use, so that `qdn` (which imports this
# package first) starts its tokeniser helper before pydantic and Whoosh load.
_HOMES = {
    "Corpus": "api", "Figures": "api", "FilterOptions": "api", "Results": "results",
    **dict.fromkeys(("NoSuchRecordError", "QdnError", "QuerySyntaxError", "UsageError"), "errors"),
    **dict.fromkeys(("Attachment", "Citation", "CitationRow", "CitedByRow", "DupRow", "FigureRow", "Heading", "Hit", "Record",
                     "RefRow", "Region", "Snippet", "StatsRow", "TrendRow"), "models"),
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'qdn_corpus' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"qdn_corpus.{home}"), name)


__version__ = "0.1.0"

__all__ = [
    "Attachment", "Citation", "CitationRow", "CitedByRow", "Corpus", "DupRow", "FigureRow", "Figures", "FilterOptions",
    "Heading", "Hit", "NoSuchRecordError", "QdnError", "QuerySyntaxError", "Record", "RefRow", "Region", "Results",
    "Snippet", "StatsRow", "TrendRow", "UsageError",
]
