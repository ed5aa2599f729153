"""Compose forms: the fields each family asks for, and turning inputs into a body."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["FORMS", "build_body"]

# (field, kind, placeholder); kinds: text, int, bool, date, datetime, geo, json, enum:a|b, lang
FORMS: dict[str, list[tuple[str, str, str]]] = {
    "military_activity": [
        ("name", "text", "exercise name"),
        ("start", "date", "2026-12-24"),
        ("end", "date", "2026-12-28"),
        ("troops", "int", "0"),
        ("battle_tanks", "int", "0"),
        ("acv", "int", "0"),
        ("artillery", "int", "0"),
        ("aircraft_sorties", "int", "0"),
        ("drones", "int", "0"),
        ("live_fire", "bool", "no"),
        ("area", "geo", '{"type":"Point","coordinates":[20.5,44.0]}'),
        ("purpose", "text", "optional"),
    ],
    "drone_flight": [
        ("start", "datetime", "2026-12-01T08:00:00Z"),
        ("end", "datetime", "2026-12-01T10:00:00Z"),
        ("uav_type", "text", "type"),
        ("armed", "bool", "no"),
        ("area", "geo", '{"type":"LineString","coordinates":[[20.7,43.1],[20.8,43.2]]}'),
        ("border_distance_km", "int", "optional"),
    ],
    "cyber_incident": [
        ("severity", "enum:low|medium|high|critical", "high"),
        ("sector", "text", "energy"),
        ("summary", "text", "what happened"),
        ("tlp", "enum:CLEAR|GREEN|AMBER|RED", "AMBER"),
    ],
    "arms_transfer": [
        ("category", "text", "combat_aircraft"),
        ("system", "text", "system"),
        ("quantity", "int", "1"),
        ("supplier", "text", "supplier"),
        ("contract_date", "date", "2026-01-01"),
        ("status", "enum:contracted|delivered", "contracted"),
    ],
    "hotline_message": [("text", "text", "message"), ("lang", "lang", "en")],
    "clarification_request": [("question", "text", "question"), ("lang", "lang", "en")],
    "clarification_response": [("answer", "text", "answer"), ("lang", "lang", "en")],
    "observation_invitation": [
        ("start", "date", "2026-12-24"),
        ("end", "date", "2026-12-26"),
        ("place", "text", "place"),
        ("observers", "int", "2"),
    ],
    "observation_response": [("accepted", "bool", "yes"), ("observers", "int", "2")],
    "link_test": [("note", "text", "optional")],
    # issue 18: the verification measures (reports are co-signed, not composed here)
    "inspection_request": [
        ("inspecting", "text", "HR (your party)"),
        ("inspected", "text", "RS"),
        ("start", "date", "2027-03-10"),
        ("end", "date", "2027-03-11"),
        ("grounds", "text", "why"),
        ("area", "geo", '{"type":"Point","coordinates":[20.6,43.3]}'),
        (
            "team",
            "json",
            '[{"name":"Col. Horvat","party":"HR"},{"name":"Maj. Hadžić","party":"BA"}]',
        ),
        ("observers", "json", '[{"name":"OSCE","organisation":"OSCE"}] (optional)'),
        ("scheduled", "bool", "no"),
    ],
    "inspection_response": [
        ("decision", "enum:accept|refuse|propose_dates", "accept"),
        ("reason", "text", "required to refuse"),
        ("start", "date", "other dates only"),
        ("end", "date", "other dates only"),
    ],
    "evaluation_visit_request": [
        ("evaluating", "text", "BA (your party)"),
        ("evaluated", "text", "RS"),
        ("unit", "text", "the unit as reported"),
        ("start", "date", "2027-04-02"),
        ("end", "date", "2027-04-02"),
        ("team", "json", '[{"name":"Maj. Hadžić","party":"BA"}]'),
    ],
    "evaluation_visit_response": [
        ("decision", "enum:accept|refuse|propose_dates", "accept"),
        ("reason", "text", "required to refuse"),
        ("start", "date", "other dates only"),
        ("end", "date", "other dates only"),
    ],
    "annual_calendar": [
        ("year", "int", "2027"),
        ("activities", "json", '[{"name":"Drina 27","start":"2027-06-01","end":"2027-06-12"}]'),
    ],
}


def convert(kind: str, raw: str) -> Any:
    """One input's text → the body value; ValueError names what is wrong."""
    raw = raw.strip()
    if not raw:
        return None
    if kind == "int":
        try:
            return int(raw.replace(",", "").replace("_", ""))
        except ValueError:
            raise ValueError("must be a whole number") from None
    if kind == "bool":
        if raw.lower() in ("y", "yes", "true", "1"):
            return True
        if raw.lower() in ("n", "no", "false", "0"):
            return False
        raise ValueError("yes or no")
    if kind in ("geo", "json"):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            raise ValueError("must be GeoJSON" if kind == "geo" else "must be JSON") from None
    return raw


def build_body(family: str, values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The body from the form, and per-field conversion errors."""
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, kind, _ph in FORMS.get(family, []):
        try:
            v = convert(kind, values.get(name, ""))
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if v is not None:
            body[name] = v
    return body, errors
