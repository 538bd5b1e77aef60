"""The README's library walk-through runs as written, on a copy of the bundled corpus."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_library_example_prints_what_the_readme_says(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pandas")
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Library") :]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example and ">>> from qdn_corpus import Corpus" in example[1]
    # Seconds differ from run to run; everything else must be as printed.
    text = re.sub(r"in \d+\.\d s'", "in ... s'", example[1])
    monkeypatch.chdir(data_dir.parent)  # Corpus("data") is the copy
    test = doctest.DocTestParser().get_doctest(text, {}, "README: Library", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries > 10
