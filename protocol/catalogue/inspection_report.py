"""``inspection_report``: the findings, signed by every party on the team.

One object carries several parties' signatures: each ``signatures`` entry is an
officer device's Ed25519 signature over ``DOMAIN_TEAM_REPORT ‖ pack(body minus
signatures)`` (``protocol/verification_report.py`` signs and checks them against
the roster). The envelope around it is still signed by the sending device, of
the inspecting party. ``request`` names the request inside the signed content,
because the team's signatures do not cover the envelope's ``in_reply_to``.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import SchemaError
from . import fields as f
from . import teams

__all__ = [
    "CONCLUSIONS",
    "DEFAULT_PRECEDENCE",
    "FAMILY",
    "FIELDS",
    "NEEDS_REFERENCE",
    "OFFICER_ONLY",
    "validate",
    "validate_content",
]

FAMILY: Final = "inspection_report"
DEFAULT_PRECEDENCE: Final = "ROUTINE"
NEEDS_REFERENCE: Final = True
OFFICER_ONLY: Final = True
CONCLUSIONS: Final = ("consistent", "inconsistent", "inconclusive")
FIELDS: Final = (
    "request",
    "inspecting",
    "inspected",
    "start",
    "end",
    "area",
    "team",
    "observers",
    "findings",
    "conclusion",
    "lang",
    "signatures",
)


def validate_content(body: dict[str, Any]) -> dict[str, Any]:
    """The signed part: everything but ``signatures``, cleaned."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "request": f.message_ref(body, "request"),
        "inspecting": f.party(body, "inspecting"),
        "inspected": f.party(body, "inspected"),
        "team": teams.team(body),
        "observers": teams.observers(body),
        "findings": f.text(body, "findings", 16_000),
        "conclusion": f.enum(body, "conclusion", CONCLUSIONS),
    }
    teams.dates(body, out)
    if out["inspected"] in teams.team_parties(out["team"]):
        raise SchemaError("team: the inspected party cannot be on the team", field="team")
    if body.get("area") is not None:
        out["area"] = f.geometry(body, "area")
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a report: the content plus at least one well-formed signature."""
    out = validate_content({k: v for k, v in body.items() if k != "signatures"})
    out["signatures"] = teams.signatures(body)
    return out
