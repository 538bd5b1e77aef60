"""Writing a segment's full-text files (their layout: fulltext.py, which reads them)."""

from __future__ import annotations

import json
from array import array
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path
from typing import Any

from qdn_corpus.store.fulltext import COLUMN_FILES, COLUMNS, SHORT_COLUMNS, TITLE_WEIGHT
from qdn_corpus.store.postings import DOC_BITS, SHIFT, Grams, distinct, pack, write_packed, write_parts, write_raw
from qdn_corpus.text.tokens import END


class SegmentWriter:
    """Collects one segment's documents, in document-number order, and writes its files.

    Folded bodies go to disk as they come; postings stay in memory until write().
    """

    def __init__(self, folder: Path, segment_id: str) -> None:
        self.base = f"{folder / segment_id}"
        self.grams = Grams()
        self.words: defaultdict[str, array[int]] = defaultdict(partial(array, "I"))  # doc, weight, doc, …
        self.text = open(f"{self.base}.qtxt", "wb")  # noqa: SIM115 - closed by write() or close()
        self.text_offsets = array("Q", [0])
        self.days = array("i")
        self.lengths = array("I")
        self.facets = open(f"{self.base}.qfac", "wb")  # noqa: SIM115 - closed by write() or close()
        self.facet_offsets = array("Q", [0])
        self.columns: dict[str, list[Any]] = {key: [] for key in COLUMNS}
        self.minhashes = open(f"{self.base}.qmhs", "wb")  # noqa: SIM115 - closed by write() or close()
        self.minhash_offsets = array("Q", [0])
        self.records = open(f"{self.base}.qrec", "wb")  # noqa: SIM115 - closed by write() or close()
        self.record_offsets = array("Q", [0])

    @property
    def count(self) -> int:
        return len(self.days)

    def add(
        self, docnum: int, folded_body: str, day: int, body_words: list[str], title_words: list[str],
        facets: dict[str, object] | None = None, minhash: bytes = b"", record: bytes = b"",
    ) -> None:
        """`record`: the record's JSON compressed by zlib (fulltext.SegmentReader.record_json)."""
        if docnum != self.count:
            raise ValueError(f"documents must come in order: got {docnum}, expected {self.count}")
        if docnum >> DOC_BITS:
            raise ValueError(f"a segment holds at most {1 << DOC_BITS} documents")
        import numpy as np

        points = np.frombuffer((folded_body + END).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        self.grams.add((distinct((points[:-1] << SHIFT) | points[1:]) << DOC_BITS) | docnum)
        counts = Counter(body_words)
        for w in title_words:
            counts[w] += TITLE_WEIGHT
        words = self.words
        for word, n in counts.items():
            post = words[word]
            post.append(docnum)
            post.append(n)
        data = folded_body.encode("utf-8")
        self.text.write(data)
        self.text_offsets.append(self.text_offsets[-1] + len(data))
        self.days.append(day)
        self.lengths.append(len(body_words) + TITLE_WEIGHT * len(title_words))
        rest = {k: v for k, v in (facets or {}).items() if k not in COLUMNS}  # the columns hold the others
        data = json.dumps(rest, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self.facets.write(data)
        self.facet_offsets.append(self.facet_offsets[-1] + len(data))
        for key, column in self.columns.items():
            column.append((facets or {}).get(key))
        self.minhashes.write(minhash)
        self.minhash_offsets.append(self.minhash_offsets[-1] + len(minhash))
        self.records.write(record)
        self.record_offsets.append(self.record_offsets[-1] + len(record))

    def write(self) -> None:
        import numpy as np

        base = self.base
        self.close()
        codes: list[Any] = []
        write_packed(base, ".qoff", ".qpst", self.grams.postings(codes))
        write_raw(f"{base}.qkey", np.concatenate(codes))
        words = sorted(self.words)
        with open(f"{base}.qwrd", "w", encoding="utf-8") as f:
            f.write("\n".join(words))
        rows = [np.frombuffer(self.words[w], dtype=np.uint32) for w in words]  # doc, weight, doc, …
        pairs = np.concatenate(rows).reshape(-1, 2) if rows else np.zeros((0, 2), dtype=np.uint32)
        starts = np.cumsum([0, *(len(r) // 2 for r in rows[:-1])]).astype(np.int64) if rows else np.zeros(0, np.int64)
        gaps = pairs[:, 0].copy()
        gaps[1:] -= pairs[:-1, 0]
        gaps[starts] = pairs[starts, 0]
        write_packed(base, ".qwof", ".qwdc", [pack(gaps, starts)])
        write_packed(base, ".qwwo", ".qwtf", [pack(np.minimum(pairs[:, 1], 65535), starts)])
        write_raw(f"{base}.qtof", self.text_offsets)
        write_raw(f"{base}.qday", self.days)
        write_raw(f"{base}.qlen", self.lengths)
        write_raw(f"{base}.qfof", self.facet_offsets)
        write_raw(f"{base}.qmho", self.minhash_offsets)
        write_raw(f"{base}.qreo", self.record_offsets)
        distinct: dict[tuple[Any, ...], int] = {}  # a corpus cites a few laws thousands of times: each once
        cited, cite_offsets = array("I"), array("Q", [0])  # arrays, not JSON lists: read at every update
        for cs in self.columns["cites"]:
            cited.extend(distinct.setdefault(tuple(c), len(distinct)) for c in cs or ())
            cite_offsets.append(len(cited))
        write_raw(f"{base}.qcio", cite_offsets)
        write_raw(f"{base}.qcix", cited)
        columns = {**self.columns, "citations": list(distinct)}  # what add() took stays as it came
        for ext, names in COLUMN_FILES.items():
            with open(f"{base}{ext}", "w", encoding="utf-8") as f:
                f.write(json.dumps({k: columns[k] for k in names}, ensure_ascii=False, separators=(",", ":")))
        write_parts(base, ".qsho", ".qsht", ((t or "").encode("utf-8") + b"\0" for k in SHORT_COLUMNS for t in self.columns[k]))

    def close(self) -> None:
        self.text.close()
        self.facets.close()
        self.minhashes.close()
        self.records.close()
