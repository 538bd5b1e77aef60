"""`qdn` and `python -m qdn_corpus`: pause the cycle collector for a command that answers and
exits, start the search helper early, run the CLI, and skip the collection Python makes as it
exits."""

import gc
import os
import sys
import warnings


def quiet_dependencies() -> None:
    """No dependency's warnings reach the user's terminal, under any -W setting: a library's
    old escape sequences (SyntaxWarning when Python compiles it without cached bytecode) or
    deprecations would print on stderr, and under -W error end the run. qdn's own stay."""
    for category in (SyntaxWarning, DeprecationWarning, PendingDeprecationWarning, FutureWarning, ResourceWarning):
        warnings.filterwarnings("ignore", category=category, module=r"(?!qdn_corpus)")
    # A SyntaxWarning raised while compiling carries the compiled file's name, not a module.
    warnings.filterwarnings("ignore", category=SyntaxWarning)


def main() -> None:
    quiet_dependencies()
    # pydantic looks for plugins among every installed package's entry points (17 ms); qdn has
    # none to offer its records to.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    args = set(sys.argv[1:])
    if not args & {"serve", "index"}:
        # A command reads the index, answers and exits, making its objects once and few of them
        # in cycles: the cycle collector's passes over them (the imports', the index's columns)
        # cost more than they free. Dense 100k, cold: `qdn refs` 1.38 against 2.02 s, `qdn list
        # --since 2022-11` 3.25 against 4.76 s, `qdn search 承诺兑现` 0.47 against 0.50 s, at the
        # same peak memory. `qdn serve` runs on; `qdn index` pauses it where that pays (update.py).
        gc.disable()
    if "search" in args:
        from qdn_corpus.search import prefork

        prefork.start()  # loads the tokeniser while typer starts (see prefork.py)
    from qdn_corpus.cli import main as run

    try:
        run()
    finally:
        # Python's last act is a full collection of every object left, even with the collector
        # paused: 0.03 s of a cold search (dense 100k), 0.14 s of a one-file update (sparse).
        # Nothing a command leaves needs it (files are closed where they are written; atexit's
        # handlers, weakref.finalize's among them, still run): its objects are frozen instead.
        gc.freeze()


if __name__ == "__main__":
    main()
