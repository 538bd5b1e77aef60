"""`qdn` and `python -m qdn_corpus`: start the search helper early, then run the CLI."""

import os
import sys


def main() -> None:
    # pydantic looks for plugins among every installed package's entry points (17 ms); qdn has
    # none to offer its records to.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if "search" in sys.argv[1:]:
        from qdn_corpus import prefork

        prefork.start()  # loads the tokeniser while typer starts (see prefork.py)
    from qdn_corpus.cli import main as run

    run()


if __name__ == "__main__":
    main()
