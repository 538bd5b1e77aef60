"""Decoding raw bytes and folding text for search; hostile files through `qdn parse`/`index`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qdn_corpus.text.normalize import decode, fold, strip_controls

TEXT = "黔东南州关于优化营商环境的通知\n来源：黔东南州人民政府\n正文，承诺兑现。\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-be").join([b"\xfe\xff", b""]), "utf-16"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (TEXT.replace("\n", "\r").encode("gbk"), "gb18030"),
    ],
)
def test_encodings_and_line_ends(data: bytes, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.encoding == encoding
    assert decoded.text == TEXT and not decoded.warnings


def test_a_few_bad_bytes_are_replaced_with_a_warning() -> None:
    half = (TEXT * 10).encode("utf-8")
    data = half + "坏".encode("gbk") + half
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and decoded.text is not None
    assert decoded.text.count("\ufffd") >= 1
    assert decoded.text.replace("\ufffd", "").count("承诺兑现") == 20
    (offset, message), = decoded.warnings
    assert offset == len(half) and f"byte {len(half)}" in message


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \n\t\r\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"PK\x03\x04rest", "ZIP"),
        (b"\x00" * 1000, "NUL"),
        (b"\x1f\x8b\x08\x00", "gzip"),
    ],
)
def test_not_text_is_skipped_with_a_reason(data: bytes, reason: str) -> None:
    decoded = decode(data)
    assert decoded.text is None and reason in (decoded.skip_reason or "")


def test_fold_width_variants() -> None:
    assert fold("，：（）１２３ＡＢＣ") == ",:()123abc"
    assert fold("国发[2022]2号") == fold("国发〔2022〕2号") == fold("国发【2022】2号")
    assert fold("a\u3000b\u00a0c") == "a b c"


@given(st.text())
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)
    assert fold(fold(text)) == fold(text)


def test_strip_controls() -> None:
    assert strip_controls("a\x1b[31mb\x07c\nd") == "a\\x1b[31mb\\x07c\nd"


def test_hostile_folder_is_indexed_with_warnings(qdn, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    raw = data_dir / "raw"
    (raw / "gbk.txt").write_bytes("黔东南州通知\n\n正文讲到了青蛙跳水。\n".encode("gbk"))
    (raw / "utf16.txt").write_bytes("报告\n\n正文讲到了猴子捞月。\n".encode("utf-16"))
    (raw / "zeros.txt").write_bytes(b"\x00" * 100)
    (raw / "archive.zip").write_bytes(b"PK\x03\x04" + bytes(100))
    (raw / "dir.txt").mkdir()
    (raw / "loop1.txt").symlink_to(raw / "loop2.txt")
    (raw / "loop2.txt").symlink_to(raw / "loop1.txt")
    (raw / "folder_link").symlink_to(raw / "dir.txt")
    unreadable = raw / "secret.txt"
    unreadable.write_text("秘密", "utf-8")
    unreadable.chmod(0)
    os.mkfifo(raw / "pipe.txt")
    run = qdn("index")
    assert run.exit_code == 0, run.stderr
    assert "Traceback" not in run.stderr
    for name, reason in [
        ("raw/zeros.txt", "NUL"), ("raw/archive.zip", "ZIP"), ("raw/loop1.txt", "symlink loop"),
        ("raw/loop2.txt", "symlink loop"), ("raw/folder_link", "symlink to a folder"), ("raw/pipe.txt", "not a regular file"),
    ]:
        assert f"skipped {name}:" in run.stderr and reason in run.stderr, name
    if os.geteuid() != 0:
        assert "skipped raw/secret.txt: cannot read: Permission denied" in run.stderr
    assert qdn("search", '"青蛙跳水"').jsonl()[0]["file"] == "raw/gbk.txt"
    assert qdn("search", '"猴子捞月"').jsonl()[0]["file"] == "raw/utf16.txt"
    parsed = qdn("parse", str(raw))
    assert parsed.exit_code == 0 and "skipped raw/zeros.txt" in parsed.stderr
