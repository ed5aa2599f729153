"""``military_activity``: prior notification of an exercise or troop movement.

Vienna Document 2011 Ch. V; amendments and cancellations are first-class
(``action``) and refer to the original through the envelope's ``supersedes``
(Kavkaz-2016: declared 12,500, later far more).

``formation`` states how the land forces are organised: the Vienna Document's
equipment figures count only for a divisional structure or at least two
brigades/regiments (§40.1.1). ``aircraft_sorties`` excludes helicopters;
``air_participation`` describes the air component (§40.1.2 asks for it from
200 sorties). Both are optional, and absent from the body when not given.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f

__all__ = ["ACTIONS", "DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "FORMATIONS", "KINDS", "validate"]

FAMILY: Final = "military_activity"
DEFAULT_PRECEDENCE: Final = "PRIORITY"
ACTIONS: Final = ("notify", "amend", "cancel")
#: amphibious landings and parachute assaults have their own, lower thresholds (§40.2);
#: transfers and concentrations their own paragraph (§40.3); ``movement`` is a transfer
KINDS: Final = ("exercise", "movement", "amphibious", "airborne", "transfer", "concentration")
#: how the land forces are organised (§40.1.1's formation condition)
FORMATIONS: Final = ("division", "two_brigades", "brigade", "battalion", "other")
FIELDS: Final = (
    "name",
    "start",
    "end",
    "area",
    "troops",
    "battle_tanks",
    "acv",
    "artillery",
    "aircraft_sorties",
    "live_fire",
    "drones",
    "purpose",
    "kind",
    "action",
    "observers_invited",
    "lang",
    "border_distance_km",
    "formation",
    "air_participation",
)
_COUNTS: Final = ("troops", "battle_tanks", "acv", "artillery", "aircraft_sorties", "drones")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a military activity body; defaults: counts 0, kind exercise, action notify."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "name": f.text(body, "name", 200),
        "start": f.iso_date(body, "start"),
        "end": f.iso_date(body, "end"),
        "area": f.geometry(body, "area"),
        "live_fire": bool(f.opt(body, "live_fire", f.boolean)),
        "kind": f.opt(body, "kind", f.enum, KINDS) or "exercise",
        "action": f.opt(body, "action", f.enum, ACTIONS) or "notify",
        "observers_invited": bool(f.opt(body, "observers_invited", f.boolean)),
    }
    for name in _COUNTS:
        out[name] = f.opt(body, name, f.nonneg_int) or 0
    for name in ("purpose", "lang"):
        if body.get(name) is not None:
            out[name] = f.text(body, name, 2000) if name == "purpose" else f.lang(body)
    if body.get("formation") is not None:
        out["formation"] = f.enum(body, "formation", FORMATIONS)
    if body.get("air_participation") is not None:
        out["air_participation"] = f.text(body, "air_participation", 2000)
    if body.get("border_distance_km") is not None:
        out["border_distance_km"] = f.nonneg_int(body, "border_distance_km", 10_000)
    if out["end"] < out["start"]:
        raise SchemaError("end: must not be before start", field="end")
    return out
