"""The demo's verification steps (issue 18): calendars, an inspection by a mixed team.

Serbia exchanges its annual information (with its units: the evaluation quota),
Croatia its annual calendar; Croatia asks to inspect an area of Serbia with a
mixed Croatian/Bosnian/Montenegrin team and an OSCE observer; Serbia accepts
within the 24 hours; the team's report is signed by all three parties and sent
by Croatia. Every party's ledger then counts it against Serbia's quota.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

from hotline.protocol.verification_report import sign_report
from hotline.runtime.clock import now_ms

from .events import MessageReceived
from .verification import build_view

__all__ = ["verification_scenario"]

RASKA = {
    "type": "Polygon",
    "coordinates": [[[20.4, 43.2], [20.8, 43.2], [20.8, 43.5], [20.4, 43.5], [20.4, 43.2]]],
}
TEAM = [
    {"name": "Col. Ivana Horvat", "party": "HR", "role": "inspector"},
    {"name": "Maj. Tarik Hadžić", "party": "BA", "role": "inspector"},
    {"name": "Kpt. Milena Vuković", "party": "ME", "role": "inspector"},
]


def _day(offset: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=offset)).date().isoformat()


async def _arrived(queue: asyncio.Queue[Any], mid: str, timeout: float = 15) -> None:
    """Wait until the watching client has stored ``mid`` (verified and decrypted)."""
    async with asyncio.timeout(timeout):
        while True:
            ev = await queue.get()
            if isinstance(ev, MessageReceived) and ev.message.id == mid:
                return


async def _exchanges(hr: Any, rs: Any, say: Callable[[str], None]) -> None:
    """Next year's annual information (RS, with its units) and annual calendar (HR)."""
    year = dt.datetime.now(dt.UTC).year + 1
    info = {
        "year": year,
        "personnel": 28_000,
        "budget_eur": 1_500_000_000,
        "units": 95,
        "holdings": {"battle_tanks": 230, "combat_aircraft": 14},
    }
    res = await rs.send("all", "annual_information", info, timeout=15)
    say(f"RS/officer-1   → all   annual_information ({info['units']} units) {res.status}")
    plan = {"name": "Vigilant Drina", "start": f"{year}-06-02", "end": f"{year}-06-12"}
    res = await hr.send("all", "annual_calendar", {"year": year, "activities": [plan]}, timeout=15)
    say(f"HR/officer-1   → all   annual_calendar {year} {res.status}")


def _request() -> dict[str, Any]:
    return {
        "inspecting": "HR",
        "inspected": "RS",
        "area": RASKA,
        "start": _day(10),
        "end": _day(11),
        "grounds": "Verify the units reported in the Raška district",
        "team": TEAM,
        "observers": [{"name": "OSCE FSC Support Unit", "organisation": "OSCE"}],
        "point_of_entry": "Batrovci",
        "lang": "en",
    }


def _report(request_id: str, clients: dict[str, Any]) -> dict[str, Any]:
    """The team's findings, signed by one officer of each party on the team."""
    report: dict[str, Any] = {
        "request": request_id,
        "inspecting": "HR",
        "inspected": "RS",
        "start": _day(10),
        "end": _day(11),
        "team": TEAM,
        "conclusion": "consistent",
        "lang": "en",
        "findings": "Units and equipment in the specified area as reported.",
    }
    for dev in ("HR/officer-1", "BA/officer-1", "ME/officer-1"):
        report = sign_report(report, dev, clients[dev].device.sign)
    return report


def _show(hr: Any, request_id: str, say: Callable[[str], None]) -> None:
    view = build_view(hr.store, hr.roster, "HR", ["vienna-2011"], now_ms())
    st = view.ledgers["vienna-2011"].find(request_id)
    if st is not None:
        late = "LATE" if st.late() else "on time"
        quota = st.quota_note(view.policies[0])
        say(f"   HR ledger    RS {st.state(view.now_ms)}, {late}; {quota}")
    for r in view.reports:
        mark = "✓ signed by " + ", ".join(r.signers) if r.problem is None else f"✗ {r.problem}"
        say(f"   HR ledger    team report {mark}")


async def verification_scenario(
    clients: dict[str, Any], say: Callable[[str], None], pace: float
) -> None:
    """Play the steps with the demo's connected officer clients."""
    hr, rs = clients["HR/officer-1"], clients["RS/officer-1"]
    watch = hr.subscribe()
    await _exchanges(hr, rs, say)
    req = await hr.send("all", "inspection_request", _request(), timeout=15)
    say(f"HR/officer-1   → all   inspection_request of RS, team HR/BA/ME {req.status}")
    await asyncio.sleep(pace)
    accept = {"decision": "accept", "lang": "en"}
    ans = await rs.send("all", "inspection_response", accept, in_reply_to=req.id)
    say(f"RS/officer-1   → all   inspection_response accept {ans.status}")
    await _arrived(watch, ans.id)
    report = _report(req.id, clients)
    rep = await hr.send("all", "inspection_report", report, in_reply_to=req.id, timeout=15)
    say(f"HR/officer-1   → all   inspection_report signed by HR, BA, ME {rep.status}")
    _show(hr, req.id, say)
