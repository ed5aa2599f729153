"""``annual_information``: the yearly exchange of strength, holdings and budget.

``year`` is the year the information describes (valid from 1 January). ``units``
is the number of formations and combat units reported (Vienna Document §10):
the evaluation-visit quota is counted from it (one visit per sixty units).
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f
from .arms_transfer import CATEGORIES

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "validate"]

FAMILY: Final = "annual_information"
DEFAULT_PRECEDENCE: Final = "ROUTINE"
FIELDS: Final = ("year", "personnel", "holdings", "budget_eur", "units", "lang", "remarks")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check an annual information body; holdings maps category → count."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "year": f.nonneg_int(body, "year", 9999),
        "personnel": f.nonneg_int(body, "personnel", 10_000_000),
        "budget_eur": f.nonneg_int(body, "budget_eur", 10**13),
    }
    holdings = body.get("holdings")
    if not isinstance(holdings, dict):
        raise SchemaError("holdings: must map equipment categories to counts", field="holdings")
    clean: dict[str, int] = {}
    for cat in holdings:
        if cat not in CATEGORIES:
            raise SchemaError(f"holdings: unknown category {cat!r}", field="holdings")
        clean[cat] = f.nonneg_int(holdings, cat, 1_000_000)
    out["holdings"] = clean
    if body.get("units") is not None:
        out["units"] = f.nonneg_int(body, "units", 100_000)
    if body.get("remarks") is not None:
        out["remarks"] = f.text(body, "remarks", 4000)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
