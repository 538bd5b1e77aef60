"""The `qdn` command: a thin shell over the library. app.py holds the app, its shared options
and the one place exit statuses are decided; commands.py, analyses.py, upkeep.py and serve.py the commands (imported
here, so that importing `qdn_corpus.cli` gives the whole app); render.py writes their output."""

from qdn_corpus.cli import commands  # isort: skip (first: --help lists commands as they register)
from qdn_corpus.cli import analyses, serve, upkeep
from qdn_corpus.cli.app import app, main, reflow_help

reflow_help()

__all__ = ["analyses", "app", "commands", "main", "serve", "upkeep"]
