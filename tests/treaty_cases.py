"""Real cases for the treaty rules (issue 18), shared by protocol, client and vector tests.

Defender Europe 2025 in Kosovo (25,000 troops, May 2025); Croatia asking to
inspect an area of Serbia with a mixed Croatian/Bosnian/Montenegrin team and an
OSCE observer; the regional calendar and annual information of the parties.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hotline.protocol.policy_base import Record

AREA = {
    "type": "Polygon",
    "coordinates": [[[20.5, 43.2], [20.9, 43.2], [20.9, 43.4], [20.5, 43.4], [20.5, 43.2]]],
}
#: the specified area: the Raška district, south-west Serbia
SPECIFIED_AREA = {
    "type": "Polygon",
    "coordinates": [[[20.4, 43.2], [20.8, 43.2], [20.8, 43.5], [20.4, 43.5], [20.4, 43.2]]],
}
PRISTINA = {
    "type": "Polygon",
    "coordinates": [[[21.0, 42.5], [21.3, 42.5], [21.3, 42.8], [21.0, 42.8], [21.0, 42.5]]],
}


def ms(iso: str) -> int:
    """ISO time (UTC when no zone) → epoch milliseconds."""
    t = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp() * 1000)


DEFENDER_EUROPE_2025: dict[str, Any] = {
    "name": "Defender Europe 25 (field training, Kosovo)",
    "start": "2025-05-05",
    "end": "2025-05-30",
    "area": PRISTINA,
    "troops": 25_000,
    "battle_tanks": 40,
    "acv": 160,
    "artillery": 24,
    "aircraft_sorties": 60,
    "live_fire": True,
    "drones": 12,
    "formation": "division",
    "lang": "en",
}

MIXED_TEAM = [
    {"name": "Col. Ivana Horvat", "party": "HR", "role": "inspector"},
    {"name": "Maj. Tarik Hadžić", "party": "BA", "role": "inspector"},
    {"name": "Kpt. Milena Vuković", "party": "ME", "role": "inspector"},
]
OSCE_OBSERVER = [{"name": "OSCE FSC Support Unit", "organisation": "OSCE"}]


def inspection_request(
    start: str = "2027-03-10",
    inspecting: str = "HR",
    inspected: str = "RS",
    team: list[dict[str, str]] | None = None,
    **kw: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "inspecting": inspecting,
        "inspected": inspected,
        "area": SPECIFIED_AREA,
        "start": start,
        "end": start,
        "grounds": "Verify the information exchanged on units in the specified area",
        "team": team if team is not None else MIXED_TEAM,
        "observers": OSCE_OBSERVER,
        "point_of_entry": "Batrovci",
        "lang": "en",
    }
    return body | kw


def report_content(request_id: str, start: str = "2027-03-10") -> dict[str, Any]:
    return {
        "request": request_id,
        "inspecting": "HR",
        "inspected": "RS",
        "start": start,
        "end": start,
        "area": SPECIFIED_AREA,
        "team": MIXED_TEAM,
        "observers": OSCE_OBSERVER,
        "findings": "Units and equipment in the specified area as reported; no "
        "notifiable activity under way.",
        "conclusion": "consistent",
        "lang": "en",
    }


def record(
    mid: str,
    sender: str,
    family: str,
    at: str,
    body: dict[str, Any],
    to: tuple[str, ...] = ("AL", "BA", "HR", "ME", "MK", "RS", "XK"),
    in_reply_to: str | None = None,
) -> Record:
    """A ledger record; ids sort by the label (tests pick them in time order)."""
    recipients = tuple(p for p in to if p != sender)
    return Record(mid, sender, family, ms(at), body, recipients, in_reply_to)
