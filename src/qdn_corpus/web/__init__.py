"""qdn serve: the corpus in a browser and as an HTTP JSON API, a shell over the library (api.py)
as the command line is. Needs the serve extra (FastAPI, uvicorn, Jinja2); nothing here is
imported but by `qdn serve`.

app.py makes the application (one Corpus, security headers, errors, raw files), api.py the
/api/… routes (the CLI's JSON), pages.py the HTML pages, views.py what the pages draw (marked
body, chart, sorted tables) as plain data, templates/ and static/ the HTML and CSS.
"""
