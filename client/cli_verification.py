"""``hotline verification show`` and ``hotline calendar show`` (table or ``--json``).

What this device's store holds, through the same pure ledgers as the console:
requests with their reply deadlines, answers and team reports, the passive quota
per party and year, and per party and year whether the annual calendar and the
annual information are submitted, late, due or overdue.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path

from hotline.protocol.policy_base import Policy
from hotline.runtime.clock import now_ms

from .cli_check import add_check_command
from .cli_common import EXIT, emit
from .home import Home
from .i18n import _, family_name, fmt_date, fmt_datetime, fmt_number, ngettext
from .i18n.measures import (
    countdown,
    exchange_state,
    kind_name,
    quota_text,
    reply_word,
    report_mark,
    request_state,
)
from .store import Store
from .verification import VerificationView, build_view

__all__ = ["add_verification_commands", "request_rows"]


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
        shown = request_state(state)
        if state in ("open", "overdue"):
            shown = f"{shown}: {countdown(r.deadline_ms, view.now_ms)}"
        reports = ngettext("{n} report", "{n} reports", len(r.reports)).format(n=len(r.reports))
        rows.append(
            (
                kind_name(r.kind),
                f"{r.requester}→{r.requested}",
                f"{fmt_date(r.start)} – {fmt_date(r.end)}",
                shown,
                reply_word(r.late()),
                quota_text(r, policy),
                reports if r.reports else "",
            )
        )
    return rows


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], indent: str = "  ") -> list[str]:
    """Columns as wide as their longest cell (words differ in length in every language)."""
    body = [list(r) for r in rows]
    widths = [max(len(str(c)) for c in col) for col in zip(head, *body, strict=True)]
    return [
        (indent + "  ".join(f"{c:<{w}}" for c, w in zip(r, widths, strict=True))).rstrip()
        for r in [list(head), *body]
    ]


def _title(text: str, who: str, p: Policy) -> str:
    example = " (" + _("EXAMPLE") + ")" if p.example else ""
    return text.format(party=who, policy=p.id + example)


def _requests(a: argparse.Namespace, view: VerificationView, p: Policy) -> list[str]:
    head = (_("Kind"), _("From→To"), _("Dates"), _("State"), _("Answered"), _("Quota"), "")
    rows = [
        r
        for r, st in zip(request_rows(view, p), view.ledgers[p.id].requests, strict=True)
        if _keep(a, st.requested, st.year) or _keep(a, st.requester, st.year)
    ]
    return _table(head, rows)


def _quotas(a: argparse.Namespace, view: VerificationView, p: Policy) -> list[str]:
    head = (_("Party"), _("Year"), _("Kind"), _("Used / quota (by requester)"))
    rows = []
    for q in view.ledgers[p.id].quotas:
        if _keep(a, q.party, q.year):
            limit = "?" if q.limit is None else fmt_number(q.limit)
            flag = "  " + _("EXHAUSTED") if q.limit is not None and q.used >= q.limit else ""
            by = ", ".join(f"{k} {fmt_number(v)}" for k, v in sorted(q.by_requester.items()))
            used = f"{fmt_number(q.used)} / {limit} ({by}){flag}"
            rows.append((q.party, str(q.year), kind_name(q.kind), used))
    return _table(head, rows)


def cmd_verification_show(a: argparse.Namespace) -> int:
    view, who = _view(a)
    if a.json:
        emit(view.to_json())
        return EXIT["ok"]
    for p in view.policies:
        print(_title(_("Verification as seen by {party} — {policy}"), who, p))
        print("\n".join(_requests(a, view, p)))
        print("\n".join(_quotas(a, view, p)))
    for rep in view.reports:
        signed = "✓ " + _("signed by {devices}").format(devices=", ".join(rep.signers))
        mark = signed if rep.problem is None else report_mark(rep.signers, rep.problem)
        print(
            _("report {id} on request {request} from {sender}: {mark}").format(
                id=rep.id, request=rep.request, sender=rep.sender, mark=mark
            )
        )
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
    head = (_("Party"), _("Year"), _("Exchange"), _("State"), _("Due"), _("Submitted"))
    for p in view.policies:
        print(_title(_("Scheduled exchanges as seen by {party} — {policy}"), who, p))
        rows = [
            (
                e.party,
                str(e.year),
                family_name(e.family),
                exchange_state(e.state),
                fmt_date(e.due),
                fmt_datetime(e.submitted_ms) if e.submitted_ms is not None else "",
            )
            for e in view.exchanges[p.id]
            if _keep(a, e.party, e.year)
        ]
        print("\n".join(_table(head, rows)))
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
