"""``arms_transfer``: an acquisition or transfer of major equipment.

Feeds the regional arms register (issue: register); categories follow the
Florence Agreement's plus the ones it lacks (drones, loitering munitions,
air defence).
"""

from __future__ import annotations

from typing import Any, Final

from . import fields as f

__all__ = ["CATEGORIES", "DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "validate"]

FAMILY: Final = "arms_transfer"
DEFAULT_PRECEDENCE: Final = "ROUTINE"
CATEGORIES: Final = (
    "battle_tanks",
    "acv",
    "artillery",
    "combat_aircraft",
    "attack_helicopters",
    "armed_uav",
    "loitering_munitions",
    "air_defence",
)
FIELDS: Final = (
    "category",
    "system",
    "quantity",
    "supplier",
    "direction",
    "status",
    "contract_date",
    "delivery_date",
    "value_eur",
    "lang",
    "remarks",
)


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check an arms acquisition / transfer body."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "category": f.enum(body, "category", CATEGORIES),
        "system": f.text(body, "system", 200),
        "quantity": f.nonneg_int(body, "quantity", 1_000_000),
        "supplier": f.text(body, "supplier", 200),
        "direction": f.opt(body, "direction", f.enum, ("acquisition", "transfer")) or "acquisition",
        "status": f.opt(body, "status", f.enum, ("contracted", "delivered")) or "contracted",
        "contract_date": f.iso_date(body, "contract_date"),
    }
    if body.get("delivery_date") is not None:
        out["delivery_date"] = f.iso_date(body, "delivery_date")
    if body.get("value_eur") is not None:
        out["value_eur"] = f.nonneg_int(body, "value_eur", 10**13)
    if body.get("remarks") is not None:
        out["remarks"] = f.text(body, "remarks", 4000)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
