"""The query language, plans, and the searcher over the index."""
