"""Verdicts for the verification families: requests, responses, team reports.

A request's verdict says where it stands in the requested party's quota
("within quota: 2 of 3 used in 2027", "quota exhausted: RS may decline") and
when the reply is due; a response's says whether it came in time and whether a
refusal is covered by the quota; under the regional preset a scheduled
inspection is checked against the Commission's schedule (month, mixed team).
``history`` is what the caller holds (``None``: nothing, so no quota is claimed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .policy_base import HOUR_MS, Notification, Policy, Record, Verdict
from .policy_phrases import Phrase, say
from .verification import Kind, Ledger, RequestState, build_ledger, kind_of

__all__ = ["report_verdict", "request_verdict", "response_verdict"]

#: sorts after every real id: the request being checked comes last
_PENDING = "~pending"


def _reply(policy: Policy, k: Kind) -> tuple[int, str]:
    rule = policy.rule(k.section, "reply")
    return int(rule.get("hours", 24)), str(rule.get("cite", "?"))


def _with(n: Notification, history: Sequence[Record]) -> tuple[list[Record], str]:
    """``history`` plus the notification itself (once, whether or not it was received)."""
    mid = n.id or _PENDING
    me = Record(mid, n.sender, n.family, n.created_ms, n.body, n.recipients, n.in_reply_to)
    return [*(r for r in history if r.id != mid), me], mid


def _schedule(
    st: RequestState, ledger: Ledger, policy: Policy
) -> tuple[list[Phrase], list[Phrase]]:
    """The regional Commission's schedule: the month and the mixed team (Art. 9.4)."""
    rule = policy.rule("inspection", "schedule")
    if not st.scheduled or st.kind != "inspection":
        return [], []
    if not rule:
        return [say("schedule.not_a_notion", policy=policy.id)], []
    cite = rule.get("cite", "?")
    notes: list[Phrase] = []
    warnings: list[Phrase] = []
    month = (rule.get("months") or {}).get(st.requested)
    host = {"cite": cite, "party": st.requested}
    if month is None:
        warnings.append(say("schedule.no_month", **host))
    elif int(st.start[5:7]) != month or int(st.end[5:7]) != month or st.start[:4] != st.end[:4]:
        warnings.append(say("schedule.wrong_month", month=month, **host))
    else:
        notes.append(say("schedule.ok", year=st.year, month=month, **host))
    need = int(rule.get("min_team_parties", 2))
    if len(st.team) < need:
        warnings.append(say("schedule.team_too_small", cite=cite, need=need, team=st.team))
    taken = [
        o
        for o in ledger.requests
        if o.scheduled
        and o.id != st.id
        and o.requested == st.requested
        and o.year == st.year
        and o.at_ms <= st.at_ms
        and o.decision != "refuse"
    ]
    if taken:
        warnings.append(say("schedule.taken", year=st.year, id=taken[0].id, **host))
    return notes, warnings


def request_verdict(
    n: Notification, policy: Policy, now_ms: int, history: Sequence[Record] | None
) -> Verdict:
    """Reply deadline, quota position and (regional) schedule for a request."""
    k = kind_of(n.family)
    assert k is not None
    hours, cite = _reply(policy, k)
    deadline = n.created_ms + hours * HOUR_MS
    reasons = (say("request.reply", cite=cite, party=n.body[k.requested], hours=hours),)
    records, mid = _with(n, history or ())
    ledger = build_ledger(records, policy)
    st = ledger.find(mid)
    assert st is not None
    notes: list[Phrase] = []
    if history is not None:
        notes.append(st.quota_phrase(policy))
    more_notes, warnings = _schedule(st, ledger, policy)
    notes += more_notes
    answered = st.decision is not None
    details: dict[str, Any] = {
        "kind": k.name,
        "requested": st.requested,
        "year": st.year,
        "team": st.team,
        "mixed_team": len(st.team) > 1,
        "quota": st.to_json(now_ms, policy) if history is not None else None,
    }
    return Verdict.said(
        policy.id,
        True,
        reasons,
        reply_deadline_ms=deadline,
        overdue=(not answered) and now_ms > deadline,
        details=details,
        notes=notes,
        warnings=warnings,
        headline=say(f"request.{k.name}", requested=st.requested, requester=st.requester),
    )


def response_verdict(
    n: Notification, policy: Policy, now_ms: int, history: Sequence[Record] | None
) -> Verdict:
    """Whether the answer came in time; whether a refusal is covered by the quota."""
    k = kind_of(n.family)
    assert k is not None
    hours, cite = _reply(policy, k)
    reasons = (say("response.due", cite=cite, hours=hours),)
    ledger = build_ledger(history or (), policy)
    st = ledger.find(n.in_reply_to or "")
    if st is None:
        unknown = (say("request.not_on_record"),)
        head = say(f"response.unknown.{k.name}")
        return Verdict.said(policy.id, True, reasons, notes=unknown, headline=head)
    took = (n.created_ms - st.at_ms) / HOUR_MS
    late = n.created_ms > st.deadline_ms
    notes = [say("response.late" if late else "response.on_time", took=took, late=took - hours)]
    warnings = []
    if n.body.get("decision") == "refuse":
        position = st.quota_phrase(policy)
        if st.exhausted or st.same_exhausted or not st.counts:
            notes.append(position)
        else:
            warnings.append(say("response.refusal_uncovered", position=position))
    decision = str(n.body.get("decision"))
    return Verdict.said(
        policy.id,
        True,
        reasons,
        late=late,
        reply_deadline_ms=st.deadline_ms,
        details={"request": st.id, "hours": round(took, 1)},
        notes=notes,
        warnings=warnings,
        headline=say(f"response.{k.name}", decision=decision, requester=st.requester),
    )


def report_verdict(
    n: Notification, policy: Policy, now_ms: int, history: Sequence[Record] | None
) -> Verdict:
    """What the report is about; the signatures are checked against the roster elsewhere."""
    b = n.body
    team = sorted({m["party"] for m in b.get("team", [])})
    head = say("report.headline", inspected=str(b.get("inspected")), team=team)
    devices = [str(s["device"]) for s in b.get("signatures", [])]
    notes = [say("report.signed", devices=devices)]
    if history is not None and build_ledger(history, policy).find(str(b.get("request"))) is None:
        notes.append(say("request.not_on_record"))
    return Verdict.said(policy.id, True, (), details={"team": team}, notes=notes, headline=head)
