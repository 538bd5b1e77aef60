"""Dates a user types on the command line or in a query: 2022, 2022-11, 2022.11, 2022年11月."""

from __future__ import annotations

import calendar
import datetime as dt

import regex

from qdn_corpus.errors import UsageError

_PERIOD_RE = regex.compile(
    r"(?P<y>\d{4})\s*(?:年)?\s*(?:[-./]?\s*(?P<m>\d{1,2})\s*(?:月)?\s*(?:[-./]?\s*(?P<d>\d{1,2})\s*(?:日)?)?)?"
)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the period a user wrote (2022-11 -> Nov 1 .. Nov 30)."""
    m = _PERIOD_RE.fullmatch(text.strip())
    if not m:
        raise UsageError(f"invalid date {text!r}: use YYYY, YYYY-MM or YYYY-MM-DD (or 2022年11月)")
    y = int(m["y"])
    try:
        if m["d"]:
            day = dt.date(y, int(m["m"]), int(m["d"]))
            return day, day
        if m["m"]:
            month = int(m["m"])
            last = calendar.monthrange(y, month)[1]
            return dt.date(y, month, 1), dt.date(y, month, last)
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    except (ValueError, calendar.IllegalMonthError):
        raise UsageError(f"invalid date {text!r}: no such day or month") from None
