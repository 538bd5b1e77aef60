"""qdn serve: the JSON API equals the CLI's JSON, errors are one line with 400/404, hostile
documents run nothing, raw files never leave the data folder, a new index is picked up; and in
a real browser (Debian's chromium through Playwright): search → click → the first match in view,
the trend chart's bars are qdn trend's counts, the hostile document shows as text."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

pytest.importorskip("fastapi", reason="qdn serve needs the serve extra")
from fastapi.testclient import TestClient

from qdn_corpus import Corpus
from qdn_corpus.web import views
from qdn_corpus.web.app import create_app
from qdn_corpus.web.views import body_lines, safe_url

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _corpus_folder(root: Path) -> Path:
    """Seeds, the analyses' regulation and its citers, a hostile page, a long document."""
    raw = root / "data" / "raw"
    raw.mkdir(parents=True)
    for source in (ROOT / "data" / "raw", FIXTURES / "analyses", FIXTURES / "serve"):
        for f in sorted(source.iterdir()):
            shutil.copy2(f, raw / f.name)
    return root / "data"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = _corpus_folder(tmp_path_factory.mktemp("serve"))
    Corpus(folder).index()
    return folder


@pytest.fixture(scope="module")
def client(data: Path) -> TestClient:
    return TestClient(create_app(Corpus(data)))


def cli(data: Path, *args: str) -> Any:
    from qdn_corpus.cli import app

    result = CliRunner().invoke(app, ["--data-dir", str(data), *args])
    return result


def cli_json(data: Path, *args: str) -> Any:
    result = cli(data, *args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def first_id(data: Path, query: str) -> str:
    return str(cli_json(data, "search", query, "--limit", "1")[0]["id"])


# ---- the API is the CLI ------------------------------------------------------------------

PAIRS = [
    (["search", "承诺兑现", "--limit", "5"], "/api/search?q=承诺兑现&limit=5"),
    (["search", "营商环境", "--since", "2022", "--region", "黔东南", "--sort", "date"],
     "/api/search?q=营商环境&since=2022&region=黔东南&sort=date"),
    (["search", "title:通知", "--all-copies", "--limit", "50"], "/api/search?q=title:通知&all_copies=true&limit=50"),
    (["list", "--doc-type", "解读", "--limit", "3"], "/api/list?doc_type=解读&limit=3"),
    (["trend", "承诺兑现", "营商环境", "--by", "year"], "/api/trend?q=承诺兑现&q=营商环境&by=year"),
    (["trend", "承诺兑现", "--by", "region", "--per", "10"], "/api/trend?q=承诺兑现&by=region&per=10"),
    (["figures", "承诺兑现"], "/api/figures?q=承诺兑现"),
    (["refs", "--top", "5"], "/api/refs?top=5"),
    (["cited-by", "黔东南州优化营商环境条例"], "/api/cited-by?document=黔东南州优化营商环境条例"),
    (["dups"], "/api/dups"),
    (["clauses", "承诺兑现"], "/api/clauses?q=承诺兑现"),
    (["adoption", "营商环境", "--by", "county", "--within", "黔东南州"], "/api/adoption?q=营商环境&by=county&within=黔东南州"),
    (["network", "--show", "nodes"], "/api/network?show=nodes"),
    (["stats"], "/api/stats"),
]


@pytest.mark.parametrize(("args", "path"), PAIRS, ids=[" ".join(a[:2]) for a, _ in PAIRS])
def test_the_api_returns_what_the_cli_prints(data: Path, client: TestClient, args: list[str], path: str) -> None:
    expected = cli_json(data, *args)
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == expected
    assert "\\u" not in response.text.replace("\\u2028", "").replace("\\u2029", "")  # Chinese readable


def test_show_and_cites_by_id_and_csv_equal_the_cli(data: Path, client: TestClient) -> None:
    rid = first_id(data, "推行首违不罚")
    assert client.get(f"/api/show/{rid[:8]}").json() == cli_json(data, "show", rid[:8])
    assert client.get(f"/api/cites/{rid}").json() == cli_json(data, "cites", rid)
    assert client.get(f"/api/cites/{rid}").json(), "the citing fixture cites the regulation"
    csv_text = client.get("/api/search?q=承诺兑现&format=csv").content.decode("utf-8")
    assert csv_text == cli(data, "search", "承诺兑现", "--format", "csv").stdout


def test_code_reads_only_named_codebooks_and_equals_the_cli(data: Path, client: TestClient) -> None:
    books = data / "codebooks"
    books.mkdir(exist_ok=True)
    (books / "mine.toml").write_text('name = "mine"\n["工具"]\n"兑现" = \'承诺兑现\'\n"首违" = \'首违不罚\'\n', "utf-8")
    example = data.parent / "example.toml"
    example.write_text(cli(data, "code", "--example").stdout, "utf-8")
    for path, args in (("/api/code?by=year", [str(example), "--by", "year"]),
                       ("/api/code?book=mine&show=units", [str(books / "mine.toml"), "--show", "units"]),
                       ("/api/code?book=mine&unit=record&by=region", [str(books / "mine.toml"), "--unit", "record", "--by", "region"])):
        assert client.get(path).json() == cli_json(data, "code", *args), path
    page = client.get("/code?book=mine&by=year").text
    assert "承诺兑现" not in page and ">兑现<" in page and ">首违<" in page
    for name in ("../example", "/etc/passwd", "codebooks/mine", "mine.toml"):
        response = client.get("/api/code", params={"book": name})
        assert response.status_code == 400 and "unknown codebook" in response.json()["error"]


def test_the_openapi_document_describes_every_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    for route in ("/api/search", "/api/list", "/api/show/{record_id}", "/api/trend", "/api/figures", "/api/refs",
                  "/api/cites/{record_id}", "/api/cited-by", "/api/dups", "/api/clauses", "/api/adoption", "/api/network",
                  "/api/stats", "/api/facets", "/api/code"):
        assert route in paths
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "since", "until", "region", "doc_type", "issuer", "within", "all_copies", "limit", "sort"} <= params
    hit = spec["components"]["schemas"]["Hit"]["properties"]
    assert {"id", "title", "date", "snippets", "score"} <= set(hit)
    assert not any(p.startswith(("/doc", "/file", "/trend")) for p in paths)  # pages are not API


# ---- mistakes -----------------------------------------------------------------------------

def test_a_malformed_query_is_the_cli_message_with_400(data: Path, client: TestClient) -> None:
    message = cli(data, "search", '"承诺兑现').stderr.strip().removeprefix("qdn: error: ")
    assert message
    api = client.get("/api/search", params={"q": '"承诺兑现'})
    assert api.status_code == 400 and api.json() == {"error": message}
    page = client.get("/", params={"q": '"承诺兑现'})
    assert page.status_code == 400
    assert f"qdn: error: {message}".replace('"', "&#34;") in page.text
    assert "Traceback" not in page.text


@pytest.mark.parametrize(("path", "status", "text"), [
    ("/api/trend?q=承诺兑现&by=week", 400, "week"),
    ("/api/search?q=承诺兑现&limit=abc", 400, "limit"),
    ("/api/search?q=承诺兑现&format=xml", 400, "format"),
    ("/api/show/ffffffffffffffff", 404, "ffffffffffffffff"),
    ("/doc/ffffffffffffffff", 404, "ffffffffffffffff"),
    ("/trend?q=承诺兑现&per=-3", 400, "per"),
    ("/no/such/page", 404, "no such page"),
])
def test_bad_requests_are_one_line(client: TestClient, path: str, status: int, text: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    body = response.json()["error"] if path.startswith("/api/") else re.search(r'role="alert">(.*?)</p>', response.text, re.S)[1]  # type: ignore[index]
    assert text in body and "\n" not in body.strip()


# ---- safety -------------------------------------------------------------------------------

def test_hostile_text_is_escaped_and_pages_allow_no_inline_script(data: Path, client: TestClient) -> None:
    rid = first_id(data, "必须原样显示")
    for path in (f"/doc/{rid}?q=承诺兑现", "/?q=必须原样显示", "/clauses?q=必须原样显示"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.text
        assert "<script>window.__xss" not in html and "<img src=x" not in html and 'href="javascript:' not in html
        assert "&lt;img src=x onerror=" in html or "&lt;script&gt;" in html
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "{{ 7*7 }}" in client.get(f"/doc/{rid}").text  # no template runs on document text


def test_only_http_addresses_become_links() -> None:
    assert safe_url("https://www.qdn.gov.cn/a.html") == "https://www.qdn.gov.cn/a.html"
    for url in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:x", "", None):
        assert safe_url(url) is None


def test_raw_files_never_leave_the_data_folder(data: Path, client: TestClient, tmp_path: Path) -> None:
    secret = data.parent / "secret.txt"
    secret.write_text("机密", "utf-8")
    link = data / "raw" / "link_out.txt"
    link.symlink_to(secret)
    try:
        ok = client.get("/file/raw/long_rules.txt")
        assert ok.status_code == 200 and "深山藏宝" in ok.content.decode("utf-8")
        assert ok.headers["content-security-policy"] == "sandbox"
        for path in ("/file/raw/../secret.txt", "/file/raw/%2E%2E/secret.txt", "/file/raw%2F..%2F..%2Fsecret.txt",
                     f"/file/{quote(str(secret))}", "/file//etc/passwd", "/file/raw/link_out.txt", "/file/raw/no_such.txt",
                     "/file/index/CURRENT"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "机密" not in response.text
        page = client.get("/file/raw/hostile.html")  # a saved page downloads, never runs in the server's origin
        assert page.status_code == 200
        assert page.headers["content-disposition"].startswith("attachment")
        assert page.headers["content-type"] == "application/octet-stream"
    finally:
        link.unlink()


def test_the_server_only_reads(client: TestClient) -> None:
    for method in ("post", "put", "delete"):
        assert getattr(client, method)("/api/search?q=承诺兑现").status_code == 405


# ---- pages and the library beneath them ---------------------------------------------------

def test_facets_add_up_to_the_search_total(data: Path, client: TestClient) -> None:
    facets = client.get("/api/facets?q=营商环境").json()
    total = len(cli_json(data, "search", "营商环境", "--limit", "1000"))
    assert facets["total"] == total
    for name, values in facets["counts"].items():
        if name != "issuer":  # a joint document counts once, under its issuers as one text
            assert sum(n for _, n in values) == total, name
    every = len(cli_json(data, "search", "营商环境", "--limit", "1000", "--all-copies"))
    assert facets["folded"] == every - total


def test_facets_are_cut_at_top_largest_first_and_count_folded_copies(client: TestClient) -> None:
    facets = client.get("/api/facets?q=营商环境&top=2").json()["counts"]
    for name, values in facets.items():
        known = [(v, n) for v, n in values if v is not None]
        assert len(known) <= 2 and all(v is not None for v, _ in values[:-1]), name
        if name == "year":
            assert [v for v, _ in known] == sorted((v for v, _ in known), reverse=True)
        else:
            assert [n for _, n in known] == sorted((n for _, n in known), reverse=True), name
    assert [v for v, _ in facets["year"]] == ["2023", "2022", None]
    assert client.get("/api/facets?q=营商环境").json()["counts"]["region"][0] == ["黔东南州", 10]
    copies = client.get("/api/facets?q=深山藏宝").json()
    assert (copies["total"], copies["folded"]) == (1, 1)  # the repost is folded into its original
    every = client.get("/api/facets?q=深山藏宝&all_copies=true").json()
    assert (every["total"], every["folded"]) == (2, 0)
    assert sum(n for _, n in every["counts"]["year"]) == 2
    bad = client.get("/api/facets?by=colour")
    assert bad.status_code == 400 and bad.json()["error"].startswith("unknown facet 'colour': use year, region")


def test_the_chart_puts_one_bar_per_bucket_and_query_in_proportion() -> None:
    from qdn_corpus.models import TrendRow

    rows = [TrendRow(bucket=b, query=q, records=n, mentions=n, total_records=10, per=n / 10)
            for b, counts in (("2021", (0, 4)), ("2022", (8, 2)), (None, (1, 0))) for q, n in zip(("甲", "乙"), counts, strict=True)]
    chart = views.chart(rows, ["甲", "乙"], lambda b: b or "undated")
    assert [(b.bucket, b.query, b.records, b.series) for b in chart.bars] == [
        ("2021", "甲", 0, 0), ("2021", "乙", 4, 1), ("2022", "甲", 8, 0), ("2022", "乙", 2, 1), ("undated", "甲", 1, 0),
        ("undated", "乙", 0, 1)]
    tallest = max(b.height for b in chart.bars)
    assert all(abs(b.height - tallest * b.records / 8) < 0.01 for b in chart.bars)
    assert all(abs(b.y + b.height - chart.bars[0].y) < 0.01 for b in chart.bars)  # one baseline
    xs = [b.x for b in chart.bars]
    assert xs == sorted(xs) and abs(chart.bars[1].x - chart.bars[0].x - chart.bars[0].width) < 0.02  # side by side
    assert all(b.x + b.width <= chart.width for b in chart.bars)
    assert [t for _, t in chart.ticks] == [0, 2, 4, 6, 8] and [label for _, label in chart.labels] == ["2021", "2022", "undated"]
    per = views.chart(rows, ["甲", "乙"], lambda b: b or "undated", per=True)
    assert [b.height for b in per.bars] == [b.height for b in chart.bars] and per.ticks == []
    months = [TrendRow(bucket=f"{2015 + i // 12}-{i % 12 + 1:02d}", query="甲", records=i, mentions=i, total_records=i)
              for i in range(132)]
    thinned = views.chart(months, ["甲"], str)
    assert len(thinned.bars) == 132 and 8 <= len(thinned.labels) <= 20  # labels that fit 960 px


@pytest.mark.parametrize(("path", "args", "column"), [
    ("/figures?q=承诺兑现", ["figures", "承诺兑现"], "figure"),
    ("/refs", ["refs", "--top", "50"], "citing_records"),
    ("/clauses?q=承诺兑现", ["clauses", "承诺兑现"], "code"),
    ("/adoption?q=营商环境&by=county&within=黔东南州", ["adoption", "营商环境", "--by", "county", "--within", "黔东南州"], "region"),
])
def test_table_pages_show_the_rows_of_their_command(data: Path, client: TestClient, path: str, args: list[str], column: str) -> None:
    rows = cli_json(data, *args)
    assert rows, "the fixture corpus gives each table rows"
    html = client.get(path).text
    assert html.count("<tr>") - 1 == len(rows)  # the header's row, then one per row
    cells = re.findall(r"<tbody>(.*)</tbody>", html, re.S)[0]
    first = str(rows[0][column])
    assert first in cells
    sorted_desc = client.get(f"{path}{'&' if '?' in path else '?'}sort={column}&desc=1").text
    assert 'aria-sort="descending"' in sorted_desc and sorted_desc.count("<tr>") - 1 == len(rows)


def test_tables_sort_by_a_column_with_empty_cells_last() -> None:
    rows = [{"t": "乙", "n": 2}, {"t": None, "n": 9}, {"t": "甲", "n": 10}, {"t": "", "n": 1}]
    assert [r["n"] for r in views.sorted_rows(rows, "n", False)] == [1, 2, 9, 10]
    assert [r["n"] for r in views.sorted_rows(rows, "n", True)] == [10, 9, 2, 1]
    assert [r["t"] for r in views.sorted_rows(rows, "t", False)][:2] == ["乙", "甲"]  # code point order (U+4E59, U+7532)
    assert [r["t"] for r in views.sorted_rows(rows, "t", True)][2:] == [None, ""]
    assert views.sorted_rows(rows, "nope", True) == rows and views.sorted_rows(rows, None, False) == rows
    assert views.query_string({"q": ["承诺兑现", "营商环境"], "by": "year", "page": "2", "x": ""}, page=None, per=10) == (
        "?q=%E6%89%BF%E8%AF%BA%E5%85%91%E7%8E%B0&q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83&by=year&per=10")
    assert views.query_string({}) == "?"


def test_a_codebook_cross_tab_has_a_line_per_code_and_a_cell_per_bucket() -> None:
    from qdn_corpus.rows import CodeCount

    cells = [CodeCount(category="供给型", label=label, bucket=b, units=n, share=n / 10, total=10)
             for label in ("人才", "*") for b, n in (("2021", 1), (None, 2))]
    buckets, lines = views.crosstab(cells)
    assert buckets == ["2021", None]
    assert [(c, lab, [x.units for x in row]) for c, lab, row in lines] == [("供给型", "人才", [1, 2]), ("供给型", "*", [1, 2])]


def test_a_search_page_links_to_the_first_match_and_pages_through(data: Path, client: TestClient) -> None:
    html = client.get("/?q=营商环境").text
    hits = cli_json(data, "search", "营商环境", "--limit", "20")
    assert f"/doc/{hits[0]['id']}?q=" in html and "#m1" in html
    assert html.count('class="hit"') == len(hits)
    assert "<mark>" in html
    records = cli_json(data, "list")
    assert len(records) > 20, "the fixture corpus fills two pages"
    first, second = client.get("/").text, client.get("/?page=2").text
    assert first.count('class="hit"') == 20 and second.count('class="hit"') == len(records) - 20
    assert 'rel="next" href="?page=2"' in first and 'rel="prev" href="?page=1"' in second and 'start="21"' in second
    shown = re.findall(r'href="/doc/([0-9a-f]{16})"', first + second)
    assert shown == [r["id"] for r in records]  # newest first, as qdn list
    assert client.get("/?page=0").status_code == 400


def test_the_body_keeps_every_character_and_numbers_its_marks() -> None:
    body = "一、总则\n承诺兑现很好\n\n二、再谈承诺兑现"
    first, second = body.find("承诺兑现"), body.rfind("承诺兑现")
    marks = [(first, first + 4), (second, second + 4)]
    lines = body_lines(body, marks, [0, body.find("二、")])
    assert "\n".join("".join(p.text for p in line) for line in lines) == body
    marked = [(p.text, p.mark, p.anchors) for line in lines for p in line if p.mark]
    assert marked == [("承诺兑现", 1, ["m1"]), ("承诺兑现", 2, ["m2"])]
    assert [a for line in lines for p in line for a in p.anchors if a.startswith("h")] == ["h0", "h1"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="承诺兑现\n一、A", max_size=40), st.data())
def test_the_body_as_pieces_loses_nothing_and_marks_exactly(body: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.sets(st.integers(0, len(body)), max_size=8)))
    marks = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    headings = sorted(data.draw(st.sets(st.integers(0, len(body)), max_size=4)))
    lines = body_lines(body, marks, headings)
    assert "\n".join("".join(p.text for p in line) for line in lines) == body
    assert all("\n" not in p.text for line in lines for p in line)
    for n, (a, b) in enumerate(marks, 1):
        assert "".join(p.text for line in lines for p in line if p.mark == n) == body[a:b].replace("\n", "")
    ids = [i for line in lines for p in line for i in p.anchors]
    assert sorted(ids) == sorted([f"m{n}" for n in range(1, len(marks) + 1)] + [f"h{i}" for i in range(len(headings))])


def test_ticks_are_round_and_cover_the_tallest_bar() -> None:
    assert views._ticks(1) == [0, 1]
    assert views._ticks(5) == [0, 1, 2, 3, 4, 5]
    assert views._ticks(6) == [0, 2, 4, 6]
    assert views._ticks(25) == [0, 5, 10, 15, 20, 25]
    assert views._ticks(100) == [0, 20, 40, 60, 80, 100]
    assert views._ticks(1234) == [0, 500, 1000]
    assert views._ticks(9999) == [0, 2000, 4000, 6000, 8000]


def test_links_keep_http_and_drop_empty_parameters() -> None:
    assert safe_url("http://qdn.gov.cn/") == "http://qdn.gov.cn/" and safe_url("HTTPS://QDN.GOV.CN") == "HTTPS://QDN.GOV.CN"
    assert views.query_string({"all_copies": False, "q": None, "by": "year"}) == "?by=year"
    assert views.query_string({"all_copies": False}) == "?"
    assert views.sorted_rows([], "n", True) == []


def test_a_new_index_is_read_without_restarting(tmp_path: Path) -> None:
    folder = _corpus_folder(tmp_path)
    corpus = Corpus(folder)
    corpus.index()
    client = TestClient(create_app(corpus))
    assert client.get("/api/search?q=黄平县新增文件").json() == []
    (folder / "raw" / "added.txt").write_text("黄平县关于黄平县新增文件的通知\n\n正文。\n\n黄平县人民政府\n2024年1月2日\n", "utf-8")
    assert client.get("/api/search?q=黄平县新增文件").json() == []  # not rebuilt per request
    Corpus(folder).index()  # qdn index, in another process as far as the server knows
    assert [h["title"] for h in client.get("/api/search?q=黄平县新增文件").json()] == ["黄平县关于黄平县新增文件的通知"]


# ---- in a real browser --------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
SHOTS = os.environ.get("QDN_SCREENSHOTS")  # a folder: the browser tests leave their screenshots there


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def server(data: Path) -> Iterator[str]:
    """`qdn serve --port 0` over the module's corpus, as a user starts it; its address."""
    env = {**os.environ, "QDN_DATA_DIR": str(data)}
    proc = subprocess.Popen([sys.executable, "-m", "qdn_corpus", "serve", "--port", "0"], env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    line = proc.stderr.readline()
    found = re.search(r"serving (http://\S+)", line)
    if found is None:
        proc.kill()
        pytest.fail(f"qdn serve did not start: {line}{proc.stderr.read()}")
    try:
        yield found[1].rstrip("/")
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("QDN_REQUIRE_BROWSER"):  # CI installs Chromium: a skip there would hide a failure
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    yield page
    page.close()


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def test_search_then_click_lands_on_the_first_match(server: str, page: Any, data: Path) -> None:
    page.goto(f"{server}/?q=深山藏宝")
    assert page.locator("li.hit").count() == 1
    assert page.locator("li.hit mark").first.inner_text() == "深山藏宝"
    _shot(page, "search")
    page.goto(f"{server}/?q=营商环境")
    _shot(page, "search-many")
    page.goto(f"{server}/?q=深山藏宝")
    page.locator("li.hit a.title").first.click()
    page.wait_for_load_state("load")
    assert "/doc/" in page.url and page.url.endswith("#m1")
    assert page.evaluate("window.scrollY") > 1000  # the match is near the end of a long body
    box = page.locator("#m1").bounding_box()
    assert box is not None and 0 <= box["y"] < 800
    assert page.locator("mark[data-match='1']").inner_text() == "深山藏宝"
    _shot(page, "document")


def test_the_trend_chart_draws_the_counts_of_qdn_trend(server: str, page: Any, data: Path) -> None:
    rows = cli_json(data, "trend", "承诺兑现", "营商环境", "--by", "year")
    page.goto(f"{server}/trend?q=承诺兑现&q=营商环境&by=year")
    bars = page.locator("svg rect.bar")
    assert bars.count() == len(rows)
    drawn = [(b.get_attribute("data-bucket"), b.get_attribute("data-query"), int(b.get_attribute("data-records")))
             for b in bars.all()]
    assert drawn == [(r["bucket"] or "undated", r["query"], r["records"]) for r in rows]
    heights = {(q, n): float(b.get_attribute("height")) for b, (_, q, n) in zip(bars.all(), drawn, strict=False)}
    assert all(h == 0 for (_, n), h in heights.items() if n == 0) and all(h > 0 for (_, n), h in heights.items() if n > 0)
    assert page.locator("table.rows tbody tr").count() == len(rows)
    _shot(page, "trend")


def test_a_hostile_document_shows_as_text_and_runs_nothing(server: str, page: Any, data: Path) -> None:
    rid = first_id(data, "必须原样显示")
    page.goto(f"{server}/doc/{rid}?q=承诺兑现")
    body = page.locator("section.body").inner_text()
    assert '<img src=x onerror="window.__xss=3;alert(3)">' in body
    assert "<script>window.__xss=5</script>{{ 7*7 }}" in body
    assert page.evaluate("window.__xss") is None and page.dialogs == []
    assert page.locator("section.body img, section.body script, section.body a").count() == 0
    page.goto(f"{server}/?q=必须原样显示")
    assert page.evaluate("window.__xss") is None and page.dialogs == []
    _shot(page, "hostile")


def test_a_path_out_of_the_data_folder_is_refused(server: str, page: Any) -> None:
    assert page.goto(f"{server}/file/raw/long_rules.txt").status == 200
    for path in ("/file/raw%2F..%2F..%2Fsecret.txt", "/file/raw/%2E%2E/%2E%2E/etc/passwd", "/file/..%2Findex%2FCURRENT"):
        response = page.goto(server + path)
        assert response.status == 404, path


def test_the_json_api_over_http_equals_the_cli(server: str, data: Path) -> None:
    for args, path in PAIRS[:6]:
        with urllib.request.urlopen(server + quote(path, safe="/?=&:")) as response:
            assert json.loads(response.read()) == cli_json(data, *args), path
    try:
        urllib.request.urlopen(server + quote('/api/search?q="承诺', safe="/?=&"))
        raise AssertionError("a malformed query answered 200")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400 and "error" in json.loads(exc.read())


def test_listening_beyond_loopback_warns(data: Path) -> None:
    env = {**os.environ, "QDN_DATA_DIR": str(data)}
    proc = subprocess.Popen([sys.executable, "-m", "qdn_corpus", "serve", "--host", "0.0.0.0", "--port", "0"], env=env,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        started = time.monotonic()
        lines = [proc.stderr.readline(), proc.stderr.readline()]
        assert time.monotonic() - started < 60
    finally:
        proc.terminate()
        proc.wait(10)
    assert lines[0].startswith("qdn: warning: listening on 0.0.0.0: anyone")
    assert "serving http://0.0.0.0:" in lines[1]


def test_a_port_in_use_is_one_line(data: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "qdn_corpus", "--data-dir", str(data), "serve", "--port", str(port)],
                                capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"qdn: error: cannot listen on 127.0.0.1:{port} (Address already in use): "
                                                  "choose another --port or --host"]


@pytest.mark.parametrize(("argv", "collects"), [(["serve", "--help"], True), (["index", "--help"], True), (["refs", "--help"], False)])
def test_the_cli_pauses_the_cycle_collector_only_for_commands_that_answer_and_exit(
    argv: list[str], collects: bool, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A server runs for days: its cyclic garbage must be collected. `qdn index` pauses the
    # collector itself where that pays (store/update.py); a query command never resumes it.
    # Every command ends with its objects frozen (__main__.py).
    import gc

    from qdn_corpus.__main__ import main

    monkeypatch.setattr(sys, "argv", ["qdn", *argv])
    monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", "__all__")  # main() sets it for its process
    was, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.enable()
    try:
        with pytest.raises(SystemExit):
            main()
        assert gc.isenabled() is collects
        assert gc.get_freeze_count() > frozen  # what is left is frozen: Python's last collection skips it
    finally:
        gc.enable() if was else gc.disable()
        if not frozen:
            gc.unfreeze()
