"""Records as the index stored them: by id (`qdn show`, refs' record arguments) and as a page
of results completes them (view.py). No numpy and no query machinery: `qdn show` imports this,
not searcher.py."""

from __future__ import annotations

import json
from typing import Any, TypeVar

import regex

from qdn_corpus.errors import NoSuchRecordError, UsageError
from qdn_corpus.models import Record
from qdn_corpus.store import engine, relations
from qdn_corpus.store.index import links_of
from qdn_corpus.store.relations import Relations

R = TypeVar("R", bound=Record)


def check_id(prefix: str) -> str:
    prefix = prefix.strip().lower()
    if not regex.fullmatch(r"[0-9a-f]{1,16}", prefix):
        raise UsageError(f"{prefix!r} is not a record id: ids are hexadecimal, e.g. 9149a584")
    return prefix


def get(ix: engine.Index, prefix: str) -> Record:
    """The one record whose id starts with `prefix`."""
    prefix = check_id(prefix)
    with ix.reader() as reader:
        found = reader.ids_starting(prefix, 6)
    if not found:
        raise NoSuchRecordError(f"no record with an id starting {prefix!r}; `qdn list` shows the ids")
    if len(found) > 1:
        shown = ", ".join(i for i, _ in found[:5])
        many = f"{len(found)}" if len(found) < 6 else "6 or more"
        raise UsageError(f"id prefix {prefix!r} matches {many} records ({shown}…): give more characters")
    return stored_record(found[0][1], relations.load(ix.folder), links_of(ix), Record)


def stored_record(raw: str | bytes, relations: Relations, links: dict[str, str], model: type[R], **extra: Any) -> R:
    """A record as the index stored it, completed by what is known only of the whole corpus."""
    data = json.loads(raw)
    data.update(relations.fields(data))
    if data.get("attachments") and links:
        data["attachments"] = resolve_attachments(data, links)
    data.update(extra)
    return model.model_validate(data)


def resolve_attachments(record: dict[str, Any], links: dict[str, str]) -> list[dict[str, Any]]:
    """A record's (JSON) attachments, each with `file` set when the linked document is in the
    corpus: by its URL (a page's meta, a sidecar), or by the path the link names relative to
    the page's file, as wget mirrors a site (the URL's path relative to the page's URL)."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    here = posixpath.dirname(record["file"])
    page = urlsplit(record["url"]) if record.get("url") else None
    out = []
    for att in record.get("attachments") or []:
        target = links.get(att["url"])
        if target is None:
            link = urlsplit(att["url"])
            if not link.scheme:
                rel = unquote(link.path)
            elif page is not None and link.netloc == page.netloc:
                rel = posixpath.relpath(unquote(link.path), posixpath.dirname(unquote(page.path)) or "/")
            else:
                rel = None
            if rel:
                target = links.get(posixpath.normpath(posixpath.join(here, rel)))
        out.append({**att, "file": target})
    return out
