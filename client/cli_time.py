"""Times typed on the command line: a date, an ISO date-time (UTC unless it says), or ms."""

from __future__ import annotations

import datetime as dt

from .cli_common import EXIT, CliError
from .i18n import _

__all__ = ["parse_time"]


def parse_time(text: str) -> int:
    """``2026-11-22``, ``2026-11-22T10:00Z`` or ``1790000000000`` → Unix ms."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CliError(
            _("{text!r} is not a time: use 2026-11-22 or 2026-11-22T10:00Z").format(text=text),
            EXIT["usage"],
        ) from exc
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp() * 1000)
