"""``hotline verification show`` and ``hotline calendar show`` (table or ``--json``).

What this device's store holds, through the same pure ledgers as the console:
requests with their reply deadlines, answers and team reports, the passive quota
per party and year, and per party and year whether the annual calendar and the
annual information are submitted, late, due or overdue.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from hotline.protocol.policy_base import Policy
from hotline.runtime.clock import now_ms

from .cli_check import add_check_command
from .cli_common import EXIT, emit
from .home import Home
from .store import Store
from .verification import VerificationView, build_view, countdown

__all__ = ["add_verification_commands", "request_rows"]


def _when(ms: int) -> str:
    return f"{dt.datetime.fromtimestamp(ms / 1000, dt.UTC):%Y-%m-%d %H:%M}"


def _view(a: argparse.Namespace) -> tuple[VerificationView, str]:
    home = Home(a.home)
    dev = home.device(a.as_)
    now = now_ms()
    roster = home.roster(now)
    store = Store(dev.directory / "store.sqlite")
    try:
        return build_view(store, roster, dev.party, a.policy or home.policies, now), dev.id
    finally:
        store.close()


def _keep(a: argparse.Namespace, party: str, year: int) -> bool:
    return (not a.party or party == a.party.upper()) and (not a.year or year == a.year)


def request_rows(view: VerificationView, policy: Policy) -> list[tuple[str, ...]]:
    """One row per request: kind, sides, dates, state with countdown, reply, quota, reports."""
    rows = []
    for r in view.ledgers[policy.id].requests:
        state = r.state(view.now_ms)
        if state in ("open", "overdue"):
            state = f"{state}: {countdown(r.deadline_ms, view.now_ms)}"
        late = r.late()
        reply = "—" if late is None else ("LATE" if late else "on time")
        rows.append(
            (
                r.kind,
                f"{r.requester}→{r.requested}",
                f"{r.start}..{r.end}",
                state,
                reply,
                r.quota_note(policy),
                f"{len(r.reports)} report(s)" if r.reports else "",
            )
        )
    return rows


def cmd_verification_show(a: argparse.Namespace) -> int:
    view, who = _view(a)
    if a.json:
        emit(view.to_json())
        return EXIT["ok"]
    for p in view.policies:
        print(f"Verification as seen by {who} — {p.id}{' (EXAMPLE)' if p.example else ''}")
        print(f"  {'kind':<11} {'sides':<7} {'dates':<22} {'state':<28} {'reply':<7} quota")
        for r, st in zip(request_rows(view, p), view.ledgers[p.id].requests, strict=True):
            if _keep(a, st.requested, st.year) or _keep(a, st.requester, st.year):
                print(f"  {r[0]:<11} {r[1]:<7} {r[2]:<22} {r[3]:<28} {r[4]:<7} {r[5]} {r[6]}")
        print(f"  {'party':<6} {'year':<5} {'kind':<11} used / quota (by requester)")
        for q in view.ledgers[p.id].quotas:
            if _keep(a, q.party, q.year):
                limit = "?" if q.limit is None else str(q.limit)
                flag = "  EXHAUSTED" if q.limit is not None and q.used >= q.limit else ""
                by = ", ".join(f"{k} {v}" for k, v in sorted(q.by_requester.items()))
                print(f"  {q.party:<6} {q.year:<5} {q.kind:<11} {q.used} / {limit} ({by}){flag}")
    for rep in view.reports:
        signed = "✓ signed by " + ", ".join(rep.signers)
        mark = signed if rep.problem is None else f"✗ {rep.problem}"
        print(f"report {rep.id} on request {rep.request} from {rep.sender}: {mark}")
    return EXIT["ok"]


def cmd_calendar_show(a: argparse.Namespace) -> int:
    view, who = _view(a)
    if a.json:
        emit(
            {
                pid: [e.to_json() for e in rows if _keep(a, e.party, e.year)]
                for pid, rows in view.exchanges.items()
            }
        )
        return EXIT["ok"]
    for p in view.policies:
        print(f"Scheduled exchanges as seen by {who} — {p.id}{' (EXAMPLE)' if p.example else ''}")
        print(f"  {'party':<6} {'year':<5} {'exchange':<19} {'state':<10} {'due':<11} submitted")
        for e in view.exchanges[p.id]:
            if _keep(a, e.party, e.year):
                sub = _when(e.submitted_ms) if e.submitted_ms is not None else ""
                print(f"  {e.party:<6} {e.year:<5} {e.family:<19} {e.state:<10} {e.due:<11} {sub}")
    return EXIT["ok"]


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--home", type=Path, required=True, help="network folder (hotline init)")
    p.add_argument("--as", dest="as_", required=True, metavar="PARTY[/DEVICE]", help="whose view")
    p.add_argument("--json", action="store_true", help="JSON instead of a table")
    p.add_argument("--policy", action="append", metavar="NAME", help="only this preset")
    p.add_argument("--party", metavar="PARTY", help="only this party")
    p.add_argument("--year", type=int, metavar="YEAR", help="only this year")


def add_verification_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``check``, ``verification show`` and ``calendar show``."""
    add_check_command(sub)
    ver = sub.add_parser("verification", help="inspections, evaluation visits and quotas")
    vsub = ver.add_subparsers(dest="verification_cmd", metavar="COMMAND", required=True)
    p = vsub.add_parser("show", help="requests, replies, team reports and quotas per party/year")
    p.set_defaults(fn=cmd_verification_show)
    _common(p)
    cal = sub.add_parser("calendar", help="annual calendars and annual information")
    csub = cal.add_subparsers(dest="calendar_cmd", metavar="COMMAND", required=True)
    p = csub.add_parser("show", help="submitted / due / overdue per party and year")
    p.set_defaults(fn=cmd_calendar_show)
    _common(p)
