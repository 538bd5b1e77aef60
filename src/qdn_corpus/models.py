"""Pydantic records shared by parsing, the index, search hits and every output format; no I/O."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

DateSource = Literal["meta", "stream", "header", "signature", "text"]
Format = Literal["text", "html", "docx", "pdf", "doc", "wps", "ofd"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Region(_Model):
    """Where a record belongs; canonical names (黔东南州), any level may be unknown."""

    province: str | None = None
    prefecture: str | None = None
    county: str | None = None

    def label(self) -> str:
        return " ".join(p for p in (self.province, self.prefecture, self.county) if p)


class Heading(_Model):
    """One outline heading: 一、 is level 1, （一） 2, 1. 3, （1） 4; offset is into the body."""

    level: int
    marker: str
    text: str
    offset: int


class Attachment(_Model):
    """A document the page links to: its link text, its URL, and its file when it is in the corpus."""

    name: str
    url: str
    file: str | None = None


class Record(_Model):
    """One document (or one item of a dated stream); the JSON contract of every command."""

    id: str
    title: str | None = None
    date: dt.date | None = None
    date_source: DateSource | None = None
    category: str | None = None
    doc_type: str | None = None
    region: Region = Region()
    source: str | None = None
    issuer: str | None = None
    addressee: str | None = None
    issuers: list[str] = []
    doc_number: str | None = None
    written_date: dt.date | None = None
    index_no: str | None = None
    topic: str | None = None
    validity: str | None = None
    url: str | None = None
    site: str | None = None
    attachments: list[Attachment] = []
    format: Format = "text"
    meta: dict[str, str | None] = {}
    body: str = ""
    outline: list[Heading] = []
    file: str
    offset: int = 0

    def display_title(self, width: int = 40) -> str:
        """The title, or the body's first sentence when there is none."""
        if self.title:
            return self.title
        first = self.body.strip().split("\n", 1)[0]
        for stop in "。！？；":
            cut = first.find(stop)
            if 0 <= cut < width:
                return first[: cut + 1]
        return first[:width] + ("…" if len(first) > width else "")


class Snippet(_Model):
    """A passage of a record with the matched spans as [start, end) offsets into `text`."""

    text: str
    highlights: list[tuple[int, int]]


class Hit(Record):
    """A search result: the record plus its score and snippets."""

    score: float
    snippets: list[Snippet] = []


class Problem(_Model):
    """A warning about one file: what went wrong and where (character offset or line)."""

    file: str
    message: str
    offset: int | None = None

    def __str__(self) -> str:
        where = f" (offset {self.offset})" if self.offset is not None else ""
        return f"{self.file}{where}: {self.message}"
