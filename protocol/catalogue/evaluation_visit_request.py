"""``evaluation_visit_request``: visit a reported unit to evaluate the annual information.

Vienna Document Ch. IX, Evaluation (§107 ff.): the passive quota is one visit a
calendar year per sixty units the evaluated party reported (``annual_information``
``units``). ``unit`` names the formation or unit as reported.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f
from . import teams

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "OFFICER_ONLY", "validate"]

FAMILY: Final = "evaluation_visit_request"
DEFAULT_PRECEDENCE: Final = "PRIORITY"
OFFICER_ONLY: Final = True
FIELDS: Final = (
    "evaluating",
    "evaluated",
    "unit",
    "location",
    "area",
    "start",
    "end",
    "team",
    "observers",
    "lang",
)


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a visit request; the evaluated party cannot be on the team."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "evaluating": f.party(body, "evaluating"),
        "evaluated": f.party(body, "evaluated"),
        "unit": f.text(body, "unit", 500),
        "team": teams.team(body),
        "observers": teams.observers(body),
    }
    teams.dates(body, out)
    if out["evaluated"] == out["evaluating"]:
        raise SchemaError("evaluated: a party cannot evaluate itself", field="evaluated")
    if out["evaluated"] in teams.team_parties(out["team"]):
        raise SchemaError("team: the evaluated party cannot be on the team", field="team")
    if body.get("location") is not None:
        out["location"] = f.text(body, "location", 500)
    if body.get("area") is not None:
        out["area"] = f.geometry(body, "area")
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
