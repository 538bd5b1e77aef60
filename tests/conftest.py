"""Shared fixtures: every test gets its own data folder; none touches ./data."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import qdn_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Tests that run `python -m qdn_corpus` as a child process test the code these tests import,
# also when that is bench/mutation.sh's mutated copy rather than the installed one.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(Path(qdn_corpus.__file__).resolve().parents[1]), os.environ.get("PYTHONPATH")) if p
)


@pytest.fixture(autouse=True, scope="session")
def _tokeniser_loaded() -> None:
    """Load the tokeniser's dictionary once, in the test process.

    Every in-process `qdn search` forks prefork.py's helper, which loads the dictionary (0.12 s)
    because the command's own process never does. Forked from a process that holds it, the
    helper starts with it loaded: the same cuts, without 0.12 s in each of some 600 commands.
    """
    from qdn_corpus.text import tokens

    tokens.cut("预热")


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    raw: bytes = b""  # stdout as written: click's Result.stdout turns \r\n into \n

    def jsonl(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def json(self) -> Any:
        return json.loads(self.stdout)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder holding a copy of the five seed documents."""
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    for seed in sorted(SEEDS.iterdir()):
        shutil.copy2(seed, raw / seed.name)
    return tmp_path / "data"


@pytest.fixture
def qdn(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the CLI in-process against the test's data folder."""
    from qdn_corpus.cli import app

    monkeypatch.setenv("QDN_DATA_DIR", str(data_dir))
    runner = CliRunner()

    def run(*args: str) -> Run:
        result = runner.invoke(app, list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr, result.stdout_bytes)

    return run
