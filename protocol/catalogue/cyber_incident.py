"""``cyber_incident``: the 24/7 cyber contact teams' notice (share before accusing)."""

from __future__ import annotations

from typing import Any, Final

from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "SEVERITIES", "TLP", "validate"]

FAMILY: Final = "cyber_incident"
DEFAULT_PRECEDENCE: Final = "IMMEDIATE"
SEVERITIES: Final = ("low", "medium", "high", "critical")
TLP: Final = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
FIELDS: Final = (
    "severity",
    "sector",
    "summary",
    "lang",
    "tlp",
    "affected_systems",
    "indicators",
    "suspected_origin",
    "assistance_requested",
    "detected_at",
)


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a cyber incident body; TLP defaults to AMBER."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "severity": f.enum(body, "severity", SEVERITIES),
        "sector": f.text(body, "sector", 200),
        "summary": f.text(body, "summary", 8000),
        "tlp": f.opt(body, "tlp", f.enum, TLP) or "AMBER",
        "assistance_requested": bool(f.opt(body, "assistance_requested", f.boolean)),
    }
    for name in ("affected_systems", "indicators"):
        if body.get(name) is not None:
            out[name] = f.str_list(body, name)
    if body.get("suspected_origin") is not None:
        out["suspected_origin"] = f.text(body, "suspected_origin", 200)
    if body.get("detected_at") is not None:
        out["detected_at"] = f.iso_datetime(body, "detected_at")
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
