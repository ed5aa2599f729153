"""``inspection_request``: one party asks to inspect a specified area of another.

Vienna Document Ch. IX (§74 ff.); the thesis's third measure (mixed inspection
teams, possibly with OSCE observers). ``inspecting`` is the sender's party; the
team may mix parties; ``scheduled`` marks an inspection in the regional
Commission's schedule. Quotas and the reply deadline are policy
(``protocol/verification.py``), computed by every client from what it received —
so a request goes to every party.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f
from . import teams

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "OFFICER_ONLY", "validate"]

FAMILY: Final = "inspection_request"
DEFAULT_PRECEDENCE: Final = "IMMEDIATE"
#: a feed may send it only when the roster lists the family for it
OFFICER_ONLY: Final = True
FIELDS: Final = (
    "inspecting",
    "inspected",
    "area",
    "start",
    "end",
    "grounds",
    "team",
    "observers",
    "point_of_entry",
    "scheduled",
    "lang",
)


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a request; the inspected party cannot be on its own inspection team."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "inspecting": f.party(body, "inspecting"),
        "inspected": f.party(body, "inspected"),
        "area": f.geometry(body, "area"),
        "grounds": f.text(body, "grounds", 4000),
        "team": teams.team(body),
        "observers": teams.observers(body),
        "scheduled": bool(f.opt(body, "scheduled", f.boolean)),
    }
    teams.dates(body, out)
    if out["inspected"] == out["inspecting"]:
        raise SchemaError("inspected: a party cannot inspect itself", field="inspected")
    if out["inspected"] in teams.team_parties(out["team"]):
        raise SchemaError("team: the inspected party cannot be on the team", field="team")
    if body.get("point_of_entry") is not None:
        out["point_of_entry"] = f.text(body, "point_of_entry", 500)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
