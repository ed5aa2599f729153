"""Scheduled exchanges: annual calendars and annual information, due per party and year.

Every client computes the same table from what it has received: for each party
and year, the ``annual_calendar`` and the ``annual_information`` are submitted
(on time), late, due (not yet, the day has not passed) or overdue. Due dates are
policy (``annual_calendar.due`` = "11-15" with ``year_offset`` -1 under the
Vienna Document: by 15 November of the year before), calendar-day rules in UTC.

It also says whether a military activity was in its party's calendar
(``calendar_notes``), the note Chapter VII/VIII asks a verdict to carry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .policy_base import Notification, Policy, Record, day_after_ms, utc_date
from .policy_phrases import Phrase, say

__all__ = [
    "EXCHANGES",
    "ExchangeStatus",
    "calendar_notes",
    "due_date",
    "exchange_status",
    "latest_calendar",
]

#: the scheduled exchanges, each with a ``year`` field and a due date in policy
EXCHANGES: Final = ("annual_calendar", "annual_information")


def due_date(policy: Policy, family: str, year: int) -> dt.date | None:
    """The last on-time day for ``family`` describing ``year`` (None: no schedule)."""
    sec = policy.section(family)
    due = sec.get("due")
    if not isinstance(due, str) or len(due) != 5:
        return None
    month, day = int(due[:2]), int(due[3:])
    return dt.date(year + int(sec.get("year_offset", 0)), month, day)


@dataclass(frozen=True, slots=True)
class ExchangeStatus:
    """One party's exchange for one year under one preset."""

    family: str
    party: str
    year: int
    policy: str
    cite: str
    due: str
    state: str  # submitted | late | due | overdue
    submitted_id: str | None = None
    submitted_ms: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "party": self.party,
            "year": self.year,
            "policy": self.policy,
            "cite": self.cite,
            "due": self.due,
            "state": self.state,
            "submitted_id": self.submitted_id,
            "submitted_ms": self.submitted_ms,
        }


def _firsts(records: Iterable[Record]) -> dict[tuple[str, str, int], Record]:
    """The first submission per (family, party, year): what lateness is judged on."""
    out: dict[tuple[str, str, int], Record] = {}
    for r in sorted(records, key=lambda x: (x.at_ms, x.id)):
        year = r.body.get("year")
        if r.family in EXCHANGES and isinstance(year, int):
            out.setdefault((r.family, r.sender, year), r)
    return out


def _state(submitted_ms: int | None, due: dt.date, now_ms: int) -> str:
    """submitted / late (judged at the first submission) or due / overdue (at now)."""
    if submitted_ms is not None:
        return "late" if submitted_ms >= day_after_ms(due) else "submitted"
    return "overdue" if now_ms >= day_after_ms(due) else "due"


def exchange_status(
    records: Iterable[Record],
    parties: Sequence[str],
    policy: Policy,
    now_ms: int,
    years: Sequence[int] | None = None,
) -> list[ExchangeStatus]:
    """Submitted / late / due / overdue per exchange, party and year.

    ``years`` defaults to this year and next plus every year a record describes.
    """
    firsts = _firsts(records)
    this_year = utc_date(now_ms).year
    wanted = sorted(set(years or ()) | {k[2] for k in firsts} | {this_year, this_year + 1})
    out = []
    for family in EXCHANGES:
        cite = str(policy.section(family).get("cite", ""))
        for party in parties:
            for year in wanted:
                due = due_date(policy, family, year)
                if due is None:
                    continue
                first = firsts.get((family, party, year))
                state = _state(first.at_ms if first else None, due, now_ms)
                out.append(
                    ExchangeStatus(
                        family,
                        party,
                        year,
                        policy.id,
                        cite,
                        due.isoformat(),
                        state,
                        first.id if first else None,
                        first.at_ms if first else None,
                    )
                )
    return out


def latest_calendar(
    history: Iterable[Record], party: str, year: int, before_ms: int | None = None
) -> Record | None:
    """The calendar in force: ``party``'s last one for ``year`` (sent before ``before_ms``)."""
    cals = [
        r
        for r in history
        if r.family == "annual_calendar"
        and r.sender == party
        and r.body.get("year") == year
        and (before_ms is None or r.at_ms <= before_ms)
    ]
    return max(cals, key=lambda r: (r.at_ms, r.id)) if cals else None


def _listed(activity: Mapping[str, Any], calendar: Mapping[str, Any]) -> str | None:
    """The planned activity this one is: the same name, or overlapping dates."""
    name = str(activity.get("name", "")).casefold()
    for planned in calendar.get("activities") or []:
        if str(planned.get("name", "")).casefold() == name:
            return str(planned["name"])
    for planned in calendar.get("activities") or []:
        if planned["start"] <= activity["end"] and activity["start"] <= planned["end"]:
            return str(planned["name"])
    return None


def calendar_notes(
    n: Notification, policy: Policy, history: Sequence[Record] | None
) -> tuple[list[Phrase], list[Phrase]]:
    """(notes, warnings) on whether a notifiable activity was in its party's calendar.

    Nothing when the caller holds no history (``None``): absence of evidence there
    is not absence of a calendar.
    """
    if history is None or not n.sender or "start" not in n.body:
        return [], []
    cite = policy.section("annual_calendar").get("cite", "annual calendar")
    year = int(str(n.body["start"])[:4])
    cal = latest_calendar(history, n.sender, year, n.created_ms)
    planned = _listed(n.body, cal.body) if cal is not None else None
    where = {"party": n.sender, "year": year, "cite": cite}
    if cal is None:
        note = say("calendar.none", **where)
    elif planned is None:
        note = say("calendar.not_listed", **where)
    else:
        note = say("calendar.listed", name=planned, **where)
    warnings = []
    rule = policy.rule("military_activity", "calendar")
    above = rule.get("required_above") or {}
    if planned is None and any(int(n.body.get(k, 0)) > int(v) for k, v in above.items()):
        figures = [say("calendar.figure", value=int(v), field=k) for k, v in above.items()]
        warnings.append(say("calendar.required", cite=rule.get("cite", "?"), figures=figures))
    return [note], warnings
