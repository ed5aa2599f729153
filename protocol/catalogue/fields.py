"""Field validators shared by the catalogue's family schemas.

Each takes the body dict and a field name and returns the cleaned value or
raises :class:`SchemaError` naming the field ("troops: must be a non-negative
integer"), so every error a sender sees points at one field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..constants import MAX_STR
from ..errors import SchemaError
from ..ids import check_party, parse_id_text

__all__ = [
    "Body",
    "boolean",
    "enum",
    "geometry",
    "iso_date",
    "iso_datetime",
    "lang",
    "message_ref",
    "nonneg_int",
    "only_known",
    "opt",
    "party",
    "str_list",
    "text",
]

Body = dict[str, Any]
_LANG_RE: Final = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_MISSING: Final = object()


def _fail(name: str, what: str) -> SchemaError:
    return SchemaError(f"{name}: {what}", field=name)


def _get(body: Mapping[str, Any], name: str) -> Any:
    if name not in body:
        raise _fail(name, "is required")
    return body[name]


def opt(body: Mapping[str, Any], name: str, check: Any, *args: Any) -> Any:
    """Run ``check`` only when the field is present (None counts as absent)."""
    if body.get(name) is None:
        return None
    return check(body, name, *args)


def only_known(body: Mapping[str, Any], known: Sequence[str]) -> None:
    """Reject fields the family does not define (typos must not pass silently)."""
    if not isinstance(body, Mapping):
        raise SchemaError("body: must be an object", field="body")
    for k in body:
        if k not in known:
            raise _fail(str(k), "is not a field of this notification")


def text(body: Mapping[str, Any], name: str, max_len: int = MAX_STR) -> str:
    v = _get(body, name)
    if not isinstance(v, str) or not v.strip():
        raise _fail(name, "must be non-empty text")
    if len(v) > max_len:
        raise _fail(name, f"must be at most {max_len} characters")
    return v


def lang(body: Mapping[str, Any], name: str = "lang") -> str:
    v = _get(body, name)
    if not isinstance(v, str) or not _LANG_RE.fullmatch(v):
        raise _fail(name, "must be a language tag like 'sr-Cyrl' or 'sq'")
    return v


def nonneg_int(body: Mapping[str, Any], name: str, max_value: int = 10**12) -> int:
    v = _get(body, name)
    if type(v) is not int or v < 0:
        raise _fail(name, "must be a non-negative integer")
    if v > max_value:
        raise _fail(name, f"must be at most {max_value}")
    return v


def boolean(body: Mapping[str, Any], name: str) -> bool:
    v = _get(body, name)
    if not isinstance(v, bool):
        raise _fail(name, "must be true or false")
    return v


def enum(body: Mapping[str, Any], name: str, choices: Sequence[str]) -> str:
    v = _get(body, name)
    if v not in choices:
        raise _fail(name, f"must be one of {', '.join(choices)}")
    return str(v)


def iso_date(body: Mapping[str, Any], name: str) -> str:
    v = _get(body, name)
    try:
        if not isinstance(v, str) or len(v) != 10:
            raise ValueError
        dt.date.fromisoformat(v)
    except ValueError:
        raise _fail(name, "must be an ISO 8601 date like 2026-12-03") from None
    return v


def iso_datetime(body: Mapping[str, Any], name: str) -> str:
    v = _get(body, name)
    try:
        if not isinstance(v, str):
            raise ValueError
        parsed = dt.datetime.fromisoformat(v)
        if parsed.tzinfo is None:
            raise ValueError
    except ValueError:
        raise _fail(name, "must be an ISO 8601 time with zone, like 2026-12-03T08:00:00Z") from None
    return v


def party(body: Mapping[str, Any], name: str) -> str:
    return check_party(_get(body, name), name)


def message_ref(body: Mapping[str, Any], name: str) -> str:
    v = _get(body, name)
    if not isinstance(v, str):
        raise _fail(name, "must be a message id")
    parse_id_text(v)
    return v


def str_list(body: Mapping[str, Any], name: str, max_items: int = 256) -> list[str]:
    v = _get(body, name)
    if not isinstance(v, list) or len(v) > max_items:
        raise _fail(name, f"must be a list of at most {max_items} strings")
    for item in v:
        if not isinstance(item, str) or len(item) > 4096:
            raise _fail(name, "must contain only strings")
    return list(v)


_GEOM_TYPES: Final = (
    "Point",
    "LineString",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
)
_DEPTH: Final = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "Polygon": 2,
    "MultiLineString": 2,
    "MultiPolygon": 3,
}


def _position(p: Any, name: str) -> None:
    if not isinstance(p, list) or len(p) not in (2, 3):
        raise _fail(name, "positions must be [lon, lat] pairs")
    for c in p:
        if isinstance(c, bool) or not isinstance(c, int | float) or not math.isfinite(c):
            raise _fail(name, "coordinates must be numbers")
    if not (-180 <= p[0] <= 180 and -90 <= p[1] <= 90):
        raise _fail(name, "coordinates must be lon in [-180,180], lat in [-90,90]")


def _coords(c: Any, depth: int, name: str) -> None:
    if depth == 0:
        _position(c, name)
        return
    if not isinstance(c, list) or not c or len(c) > 10_000:
        raise _fail(name, "coordinates must be non-empty nested lists")
    for item in c:
        _coords(item, depth - 1, name)


def geometry(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A GeoJSON geometry (RFC 7946), or a Feature wrapping one."""
    v = _get(body, name)
    if isinstance(v, dict) and v.get("type") == "Feature":
        v = v.get("geometry")
    if not isinstance(v, dict) or v.get("type") not in _GEOM_TYPES:
        raise _fail(name, f"must be a GeoJSON geometry ({', '.join(_GEOM_TYPES)})")
    _coords(v.get("coordinates"), _DEPTH[v["type"]], name)
    return v
