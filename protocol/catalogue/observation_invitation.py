"""``observation_invitation``: invite observers to a notified activity."""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "validate"]

FAMILY: Final = "observation_invitation"
DEFAULT_PRECEDENCE: Final = "PRIORITY"
FIELDS: Final = ("activity", "start", "end", "place", "observers", "lang", "remarks")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check an invitation: the activity (message id), dates, place, observer count."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "start": f.iso_date(body, "start"),
        "end": f.iso_date(body, "end"),
        "place": f.text(body, "place", 500),
        "observers": f.nonneg_int(body, "observers", 1000),
    }
    if body.get("activity") is not None:
        out["activity"] = f.message_ref(body, "activity")
    for name in ("remarks",):
        if body.get(name) is not None:
            out[name] = f.text(body, name, 4000)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    if out["end"] < out["start"]:
        raise SchemaError("end: must not be before start", field="end")
    return out
