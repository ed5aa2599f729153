"""Validators the verification families share: teams, observers, decisions, signatures.

A team is a list of people with the party each comes from, so one team may mix
parties (the thesis's mixed inspection teams); observers come from observer
organisations (OSCE, EU, KFOR …) named by their roster code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from ..errors import SchemaError
from ..ids import check_device_id, check_party
from . import fields as f

__all__ = [
    "DECISIONS",
    "MAX_TEAM",
    "ROLES",
    "dates",
    "decision",
    "observers",
    "signatures",
    "team",
    "team_parties",
]

MAX_TEAM: Final = 32
ROLES: Final = ("inspector", "officer", "interpreter", "auxiliary")
DECISIONS: Final = ("accept", "refuse", "propose_dates")
_HEX_SIG: Final = re.compile(r"[0-9a-f]{128}")


def _fail(name: str, what: str) -> SchemaError:
    return SchemaError(f"{name}: {what}", field=name.partition("[")[0])


def _items(body: Mapping[str, Any], name: str, max_items: int) -> list[Any]:
    v = body.get(name)
    if not isinstance(v, list) or len(v) > max_items:
        raise _fail(name, f"must be a list of at most {max_items} entries")
    for i, item in enumerate(v):
        if not isinstance(item, dict):
            raise _fail(f"{name}[{i}]", "must be an object")
    return v


def team(body: Mapping[str, Any], name: str = "team") -> list[dict[str, str]]:
    """At least one member: ``{name, party, role}`` (role defaults to inspector)."""
    items = _items(body, name, MAX_TEAM)
    if not items:
        raise _fail(name, "must name at least one member")
    out = []
    for i, m in enumerate(items):
        where = f"{name}[{i}]"
        for k in m:
            if k not in ("name", "party", "role"):
                raise _fail(f"{where}.{k}", "is not a field of a team member")
        if not isinstance(m.get("name"), str) or not m["name"].strip() or len(m["name"]) > 200:
            raise _fail(f"{where}.name", "must be non-empty text of at most 200 characters")
        role = m.get("role", "inspector")
        if role not in ROLES:
            raise _fail(f"{where}.role", f"must be one of {', '.join(ROLES)}")
        party = check_party(m.get("party"), f"{where}.party")
        out.append({"name": m["name"], "party": party, "role": role})
    return out


def observers(body: Mapping[str, Any], name: str = "observers") -> list[dict[str, str]]:
    """Optional: ``{name, organisation}`` with the organisation's roster code."""
    if body.get(name) is None:
        return []
    out = []
    for i, m in enumerate(_items(body, name, MAX_TEAM)):
        where = f"{name}[{i}]"
        for k in m:
            if k not in ("name", "organisation"):
                raise _fail(f"{where}.{k}", "is not a field of an observer")
        if not isinstance(m.get("name"), str) or not m["name"].strip() or len(m["name"]) > 200:
            raise _fail(f"{where}.name", "must be non-empty text of at most 200 characters")
        org = check_party(m.get("organisation"), f"{where}.organisation")
        out.append({"name": m["name"], "organisation": org})
    return out


def team_parties(members: list[dict[str, str]]) -> list[str]:
    """The distinct parties on a team, sorted."""
    return sorted({m["party"] for m in members})


def dates(body: Mapping[str, Any], out: dict[str, Any]) -> None:
    """``start``/``end`` ISO dates with end not before start."""
    out["start"] = f.iso_date(body, "start")
    out["end"] = f.iso_date(body, "end")
    if out["end"] < out["start"]:
        raise SchemaError("end: must not be before start", field="end")


def decision(body: Mapping[str, Any]) -> dict[str, Any]:
    """accept / refuse with a reason / propose other dates (start, end)."""
    out: dict[str, Any] = {"decision": f.enum(body, "decision", DECISIONS)}
    if out["decision"] == "refuse" or body.get("reason") is not None:
        out["reason"] = f.text(body, "reason", 4000)  # a refusal must say why
    if out["decision"] == "propose_dates":
        dates(body, out)
    elif body.get("start") is not None or body.get("end") is not None:
        raise SchemaError("start: only a propose_dates answer carries dates", field="start")
    return out


def signatures(body: Mapping[str, Any], name: str = "signatures") -> list[dict[str, str]]:
    """``[{device, signature}]``: hex Ed25519 signatures, one per device, sorted by device."""
    items = _items(body, name, MAX_TEAM)
    if not items:
        raise _fail(name, "must carry at least one signature")
    out: dict[str, dict[str, str]] = {}
    for i, s in enumerate(items):
        where = f"{name}[{i}]"
        for k in s:
            if k not in ("device", "signature"):
                raise _fail(f"{where}.{k}", "is not a field of a signature")
        dev = check_device_id(s.get("device"), f"{where}.device")
        sig = s.get("signature")
        if not isinstance(sig, str) or not _HEX_SIG.fullmatch(sig):
            raise _fail(f"{where}.signature", "must be 128 lowercase hex digits (Ed25519)")
        if dev in out:
            raise _fail(f"{where}.device", f"{dev} signed twice")
        out[dev] = {"device": dev, "signature": sig}
    return [out[d] for d in sorted(out)]
