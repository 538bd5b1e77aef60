"""Reading raw files: find them, decode each format into text plus hints, parse records."""
