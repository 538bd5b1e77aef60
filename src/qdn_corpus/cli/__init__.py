"""The `qdn` command: a thin shell over the library (commands.py) and its output (render.py)."""
