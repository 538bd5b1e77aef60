"""Attachments find their files in the corpus: by URL, or by the path the link names (wget's
layout). test_formats checks it end to end on saved pages; these check each way a link can be
written, without PDF files, so bench/mutation.sh can run them."""

from __future__ import annotations

import pytest

from qdn_corpus.models import Attachment, Record
from qdn_corpus.search.records import resolve_attachments as resolve_json

PAGE = "raw/www.qdn.gov.cn/zwgk/tzgg/202303/t20230315_1.html"
URL = "http://www.qdn.gov.cn/zwgk/tzgg/202303/t20230315_1.html"


def _page(*links: str, file: str = PAGE, url: str | None = URL) -> Record:
    return Record(
        id="0" * 16, file=file, url=url, attachments=[Attachment(name=f"附件{i}", url=u) for i, u in enumerate(links, 1)]
    )


def resolve_attachments(record: Record, links: dict[str, str]) -> Record:
    """The record as the searcher completes it: its stored JSON with resolved attachments."""
    data = record.model_dump(mode="json")
    return Record.model_validate({**data, "attachments": resolve_json(data, links)})


def files_of(record: Record, links: dict[str, str]) -> list[str | None]:
    return [a.file for a in resolve_attachments(record, links).attachments]


@pytest.mark.parametrize(
    ("link", "stored"),
    [
        # The URL itself is known (a page's meta, a crawler's sidecar).
        ("http://www.qdn.gov.cn/zwgk/tzgg/202303/P020230315_1.pdf", "raw/crawl/9f2c.pdf"),
        # As written in the page: relative to the page's own file.
        ("P020230315_1.pdf", "raw/www.qdn.gov.cn/zwgk/tzgg/202303/P020230315_1.pdf"),
        ("./files/P1.doc", "raw/www.qdn.gov.cn/zwgk/tzgg/202303/files/P1.doc"),
        ("../../fj/P2.docx", "raw/www.qdn.gov.cn/zwgk/fj/P2.docx"),
        ("%E9%99%84%E4%BB%B6.wps", "raw/www.qdn.gov.cn/zwgk/tzgg/202303/附件.wps"),
        # An absolute URL on the page's own host: the path relative to the page's URL.
        ("http://www.qdn.gov.cn/zwgk/tzgg/202303/P3.pdf", "raw/www.qdn.gov.cn/zwgk/tzgg/202303/P3.pdf"),
        ("http://www.qdn.gov.cn/uploads/%E9%99%84%E4%BB%B6.pdf", "raw/www.qdn.gov.cn/uploads/附件.pdf"),
    ],
)
def test_each_way_of_writing_a_link_finds_its_file(link: str, stored: str) -> None:
    links = {"http://www.qdn.gov.cn/zwgk/tzgg/202303/P020230315_1.pdf": "raw/crawl/9f2c.pdf"}
    links[stored] = stored
    assert files_of(_page(link), links) == [stored]
    assert files_of(_page(link), {"raw/other.pdf": "raw/other.pdf"}) == [None]  # not in the corpus


def test_a_link_to_another_host_is_not_read_as_a_path() -> None:
    # The same path on another site is another document, even where a file of that path exists.
    links = {"raw/www.qdn.gov.cn/zwgk/tzgg/202303/P3.pdf": "raw/www.qdn.gov.cn/zwgk/tzgg/202303/P3.pdf"}
    assert files_of(_page("http://www.gzgov.cn/zwgk/tzgg/202303/P3.pdf"), links) == [None]
    # A page whose URL is unknown cannot place an absolute link.
    assert files_of(_page("http://www.qdn.gov.cn/zwgk/tzgg/202303/P3.pdf", url=None), links) == [None]


def test_a_page_at_the_root_of_its_site() -> None:
    page = _page("http://www.qdn.gov.cn/P4.pdf", file="raw/www.qdn.gov.cn/index.html", url="http://www.qdn.gov.cn")
    assert files_of(page, {"raw/www.qdn.gov.cn/P4.pdf": "raw/www.qdn.gov.cn/P4.pdf"}) == ["raw/www.qdn.gov.cn/P4.pdf"]


def test_every_attachment_keeps_its_place_and_name() -> None:
    record = _page("a.pdf", "gone.pdf", "b.pdf")
    here = "raw/www.qdn.gov.cn/zwgk/tzgg/202303/"
    out = resolve_attachments(record, {here + "a.pdf": here + "a.pdf", here + "b.pdf": here + "b.pdf"})
    assert [(a.name, a.url, a.file) for a in out.attachments] == [
        ("附件1", "a.pdf", here + "a.pdf"), ("附件2", "gone.pdf", None), ("附件3", "b.pdf", here + "b.pdf"),
    ]
    assert out.model_dump(exclude={"attachments"}) == record.model_dump(exclude={"attachments"})
    assert [a.file for a in record.attachments] == [None, None, None]  # the record given is not changed


def test_a_corpus_without_links_leaves_attachments_unresolved() -> None:
    record = _page("a.pdf")
    assert resolve_attachments(record, {}) == record
    assert resolve_attachments(_page(), {"raw/a.pdf": "raw/a.pdf"}).attachments == []
