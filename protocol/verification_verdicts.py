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
from .verification import Kind, Ledger, RequestState, build_ledger, kind_of

__all__ = ["report_verdict", "request_verdict", "response_verdict"]

#: sorts after every real id: the request being checked comes last
_PENDING = "~pending"
_WHAT = {"inspection": "inspection", "evaluation": "evaluation visit"}


def _reply(policy: Policy, k: Kind) -> tuple[int, str]:
    rule = policy.rule(k.section, "reply")
    return int(rule.get("hours", 24)), str(rule.get("cite", "?"))


def _with(n: Notification, history: Sequence[Record]) -> tuple[list[Record], str]:
    """``history`` plus the notification itself (once, whether or not it was received)."""
    mid = n.id or _PENDING
    me = Record(mid, n.sender, n.family, n.created_ms, n.body, n.recipients, n.in_reply_to)
    return [*(r for r in history if r.id != mid), me], mid


def _schedule(st: RequestState, ledger: Ledger, policy: Policy) -> tuple[list[str], list[str]]:
    """The regional Commission's schedule: the month and the mixed team (Art. 9.4)."""
    rule = policy.rule("inspection", "schedule")
    if not st.scheduled or st.kind != "inspection":
        return [], []
    if not rule:
        return [f"'scheduled' is not a notion of {policy.id}: counted against the quota"], []
    cite = rule.get("cite", "?")
    notes: list[str] = []
    warnings: list[str] = []
    month = (rule.get("months") or {}).get(st.requested)
    if month is None:
        warnings.append(f"{cite}: {st.requested} has no month in the Commission schedule")
    elif int(st.start[5:7]) != month or int(st.end[5:7]) != month or st.start[:4] != st.end[:4]:
        warnings.append(f"{cite}: {st.requested} hosts its scheduled inspection in month {month}")
    else:
        notes.append(
            f"{cite}: Commission schedule — {st.requested} hosts its {st.year} "
            f"mixed-team inspection in month {month}"
        )
    need = int(rule.get("min_team_parties", 2))
    if len(st.team) < need:
        warnings.append(f"{cite}: a scheduled team mixes at least {need} parties ({st.team})")
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
        warnings.append(
            f"{cite}: {st.requested}'s scheduled inspection for {st.year} is already "
            f"requested ({taken[0].id})"
        )
    return notes, warnings


def request_verdict(
    n: Notification, policy: Policy, now_ms: int, history: Sequence[Record] | None
) -> Verdict:
    """Reply deadline, quota position and (regional) schedule for a request."""
    k = kind_of(n.family)
    assert k is not None
    hours, cite = _reply(policy, k)
    deadline = n.created_ms + hours * HOUR_MS
    reasons = (f"{cite}: {n.body[k.requested]} replies within {hours} h",)
    records, mid = _with(n, history or ())
    ledger = build_ledger(records, policy)
    st = ledger.find(mid)
    assert st is not None
    notes: list[str] = []
    warnings: list[str] = []
    if history is not None:
        notes.append(st.quota_note(policy))
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
    return Verdict(
        policy.id,
        True,
        reasons,
        reply_deadline_ms=deadline,
        overdue=(not answered) and now_ms > deadline,
        details=details,
        notes=tuple(notes),
        warnings=tuple(warnings),
        headline=f"{_WHAT[k.name]} of {st.requested} requested by {st.requester}",
    )


def response_verdict(
    n: Notification, policy: Policy, now_ms: int, history: Sequence[Record] | None
) -> Verdict:
    """Whether the answer came in time; whether a refusal is covered by the quota."""
    k = kind_of(n.family)
    assert k is not None
    hours, cite = _reply(policy, k)
    reasons = (f"{cite}: the answer is due within {hours} h of the request",)
    ledger = build_ledger(history or (), policy)
    st = ledger.find(n.in_reply_to or "")
    head = f"answer to a {_WHAT[k.name]} request"
    if st is None:
        unknown = ("the request is not on record here",)
        return Verdict(policy.id, True, reasons, notes=unknown, headline=head)
    took = (n.created_ms - st.at_ms) / HOUR_MS
    late = n.created_ms > st.deadline_ms
    when = f"answered {took:.1f} h after the request: " + (
        f"{took - hours:.1f} h LATE" if late else "on time"
    )
    notes = [when]
    warnings = []
    if n.body.get("decision") == "refuse":
        position = st.quota_note(policy)
        if st.exhausted or st.same_exhausted or not st.counts:
            notes.append(position)
        else:
            warnings.append(f"the quota does not cover this refusal: {position}")
    return Verdict(
        policy.id,
        True,
        reasons,
        late=late,
        reply_deadline_ms=st.deadline_ms,
        details={"request": st.id, "hours": round(took, 1)},
        notes=tuple(notes),
        warnings=tuple(warnings),
        headline=f"{n.body.get('decision')}: answer to {st.requester}'s {_WHAT[k.name]} request",
    )


def report_verdict(
    n: Notification, policy: Policy, now_ms: int, history: Sequence[Record] | None
) -> Verdict:
    """What the report is about; the signatures are checked against the roster elsewhere."""
    b = n.body
    team = sorted({m["party"] for m in b.get("team", [])})
    head = f"report on the inspection of {b.get('inspected')} by {', '.join(team)}"
    notes = [f"signed by {', '.join(s['device'] for s in b.get('signatures', []))}"]
    if history is not None and build_ledger(history, policy).find(str(b.get("request"))) is None:
        notes.append("the request is not on record here")
    return Verdict(policy.id, True, (), details={"team": team}, notes=tuple(notes), headline=head)
