"""``drone_flight``: a UAV flight near an international boundary.

Notifiable inside the agreed border zone (policy data); may come from a
national feed in bursts, so amendments refer to the first notice.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "validate"]

FAMILY: Final = "drone_flight"
DEFAULT_PRECEDENCE: Final = "IMMEDIATE"
FIELDS: Final = (
    "start",
    "end",
    "area",
    "armed",
    "uav_type",
    "operator",
    "flight_id",
    "border_distance_km",
    "action",
    "purpose",
    "lang",
)


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a drone flight body."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "start": f.iso_datetime(body, "start"),
        "end": f.iso_datetime(body, "end"),
        "area": f.geometry(body, "area"),
        "armed": f.boolean(body, "armed"),
        "uav_type": f.text(body, "uav_type", 200),
        "action": f.opt(body, "action", f.enum, ("notify", "amend", "cancel")) or "notify",
    }
    if body.get("operator") is not None:
        out["operator"] = f.party(body, "operator")
    for name in ("flight_id", "purpose"):
        if body.get(name) is not None:
            out[name] = f.text(body, name, 2000)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    if body.get("border_distance_km") is not None:
        out["border_distance_km"] = f.nonneg_int(body, "border_distance_km", 10_000)
    if out["end"] < out["start"]:
        raise SchemaError("end: must not be before start", field="end")
    return out
