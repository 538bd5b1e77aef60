"""The index: Whoosh (engine.py alone touches it), qdn's full-text files, relations."""
