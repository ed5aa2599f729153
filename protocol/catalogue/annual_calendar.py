"""``annual_calendar``: the notifiable activities a party plans for a year.

Vienna Document Ch. VII (§61): by 15 November for the following year; a nil
calendar (no activities) is a valid calendar. A later calendar for the same year
replaces the earlier one (name it in ``supersedes``). A ``military_activity`` not
in its party's calendar gets a note in its verdict (Ch. VIII).
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f
from .military_activity import KINDS

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "MAX_ACTIVITIES", "validate"]

FAMILY: Final = "annual_calendar"
DEFAULT_PRECEDENCE: Final = "ROUTINE"
MAX_ACTIVITIES: Final = 500
FIELDS: Final = ("year", "activities", "lang", "remarks")
_ACTIVITY: Final = ("name", "start", "end", "kind", "troops", "area", "remarks")


def _activity(a: Any, i: int, year: int) -> dict[str, Any]:
    where = f"activities[{i}]"
    if not isinstance(a, dict):
        raise SchemaError(f"{where}: must be an object", field="activities")
    for k in a:
        if k not in _ACTIVITY:
            raise SchemaError(
                f"{where}.{k}: is not a field of a planned activity", field="activities"
            )
    try:
        out: dict[str, Any] = {
            "name": f.text(a, "name", 200),
            "start": f.iso_date(a, "start"),
            "end": f.iso_date(a, "end"),
            "kind": f.opt(a, "kind", f.enum, KINDS) or "exercise",
            "troops": f.opt(a, "troops", f.nonneg_int) or 0,
        }
        if a.get("area") is not None:
            out["area"] = f.geometry(a, "area")
        if a.get("remarks") is not None:
            out["remarks"] = f.text(a, "remarks", 2000)
    except SchemaError as exc:
        raise SchemaError(f"{where}.{exc.message}", field="activities") from None
    if out["end"] < out["start"]:
        raise SchemaError(f"{where}.end: must not be before start", field="activities")
    if int(out["start"][:4]) != year:
        raise SchemaError(f"{where}.start: must fall in {year}", field="activities")
    return out


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a calendar: the year and its planned activities (possibly none)."""
    f.only_known(body, FIELDS)
    year = f.nonneg_int(body, "year", 9999)
    acts = body.get("activities")
    if not isinstance(acts, list) or len(acts) > MAX_ACTIVITIES:
        raise SchemaError(
            f"activities: must be a list of at most {MAX_ACTIVITIES} planned activities",
            field="activities",
        )
    out: dict[str, Any] = {
        "year": year,
        "activities": [_activity(a, i, year) for i, a in enumerate(acts)],
    }
    if body.get("remarks") is not None:
        out["remarks"] = f.text(body, "remarks", 4000)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
