"""Dates, times, numbers and durations in the officer's locale (Babel, CLDR data).

Times are always shown in UTC — the network's one clock — and say so where a person
could take them for local time.
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal

from .core import active

__all__ = ["fmt_date", "fmt_datetime", "fmt_number", "fmt_span", "fmt_time", "utc"]


def utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def fmt_time(ms: int) -> str:
    """Day, month and time: the inbox's column (``22 Nov 10:05``, ``22. stu 10:05`` …)."""
    return format_datetime(utc(ms), "d MMM HH:mm", tzinfo=dt.UTC, locale=active().locale)


def fmt_datetime(ms: int) -> str:
    return format_datetime(utc(ms), "medium", tzinfo=dt.UTC, locale=active().locale)


def fmt_date(ms_or_iso: int | str) -> str:
    d = (
        dt.date.fromisoformat(ms_or_iso[:10])
        if isinstance(ms_or_iso, str)
        else utc(ms_or_iso).date()
    )
    return format_date(d, "medium", locale=active().locale)


def fmt_number(n: int | float) -> str:
    return format_decimal(n, locale=active().locale)


def fmt_span(seconds: int) -> str:
    """A duration in at most two units, e.g. ``1 hr 5 min``, ``2 days 3 hr``."""
    seconds = abs(int(seconds))
    loc = active().locale
    days, rem = divmod(seconds, 86_400)
    hours, rem = divmod(rem, 3_600)
    minutes = rem // 60
    parts: list[tuple[int, str]] = (
        [(days * 86_400, "day"), (hours * 3_600, "hour")]
        if days
        else [(hours * 3_600, "hour"), (minutes * 60, "minute")]
        if hours
        else [(minutes * 60, "minute")]
    )
    shown = [
        format_timedelta(
            dt.timedelta(seconds=s), granularity=g, threshold=10**9, format="short", locale=loc
        )
        for s, g in parts
        if s or g == "minute"
    ]
    return " ".join(shown)
