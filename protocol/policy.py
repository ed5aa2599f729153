"""Policy as data: thresholds, notice periods, deadlines and quotas, and ``evaluate``.

The rules are agreed by the parties and change by agreement, so they live in
versioned JSON files (``policies/*.json``) in which every rule cites its
paragraph. This module dispatches a notification to the rules of its family;
everything is pure and deterministic: the only time it knows is the ``now_ms``
it is handed, the only past the ``history`` it is handed.

- military activities: ``policy_activity`` (Vienna §40-§41, §47, Ch. VII-VIII);
- annual calendars and annual information: ``calendar`` (due dates per year);
- inspections and evaluation visits: ``verification_verdicts`` (quotas, replies);
- drone flights, clarifications, hotline messages: here.
"""

from __future__ import annotations

from collections.abc import Sequence

from .calendar import due_date
from .policy_activity import evaluate_activity
from .policy_base import (
    HOUR_MS,
    PRESETS,
    Notification,
    Policy,
    Record,
    Verdict,
    day_after_ms,
    load_preset,
)
from .policy_geo import border_of
from .policy_phrases import say
from .verification_verdicts import report_verdict, request_verdict, response_verdict

__all__ = ["PRESETS", "Notification", "Policy", "Record", "Verdict", "evaluate", "load_preset"]


def _drone_flight(n: Notification, p: Policy) -> Verdict:
    sec = p.section("drone_flight")
    cite = sec.get("cite", "?")
    zone = sec.get("border_zone_km")
    reasons = []
    dist, boundary = border_of(n.body)
    if sec.get("armed_always") and n.body.get("armed"):
        reasons.append(say("drone.armed", cite=cite))
    if zone is not None:
        if dist is None:
            reasons.append(say("drone.distance_unknown", cite=cite))
        elif dist <= zone:
            code = "drone.near_boundary" if boundary else "drone.near_border"
            reasons.append(say(code, cite=cite, km=dist, boundary=boundary, zone=zone))
    details = {"border_distance_km": dist, "boundary": boundary, "border_zone_km": zone}
    return Verdict.said(p.id, bool(reasons), reasons, details=details)


def _deadline(n: Notification, p: Policy, now_ms: int, section: str) -> Verdict:
    sec = p.section(section)
    cite = sec.get("cite", "?")
    if section == "clarification":
        hours = int(sec.get("reply_hours", 48))
        deadline = n.created_ms + hours * HOUR_MS
        reason = say("clarification.reply", cite=cite, hours=hours)
    else:
        minutes = int(sec.get("ack_minutes", 15))
        deadline = n.created_ms + minutes * 60_000
        reason = say("hotline.acknowledge", cite=cite, minutes=minutes)
    return Verdict.said(
        p.id, True, (reason,), reply_deadline_ms=deadline, overdue=now_ms > deadline
    )


def _exchange(n: Notification, p: Policy) -> Verdict:
    """A scheduled exchange: due by its day of the year before (or of) the year it describes."""
    year = n.body.get("year")
    due = due_date(p, n.family, year) if isinstance(year, int) else None
    if due is None:
        return Verdict.said(p.id, True, (say("always_exchanged"),))
    cite = p.section(n.family).get("cite", "?")
    due_ms = day_after_ms(due)
    what = "exchange.calendar_due" if n.family == "annual_calendar" else "exchange.information_due"
    reasons = (say(what, cite=cite, year=year, date=due.isoformat()),)
    return Verdict.said(p.id, True, reasons, due_ms=due_ms, late=n.created_ms >= due_ms)


def evaluate(
    notification: Notification,
    policy: Policy,
    now_ms: int,
    history: Sequence[Record] | None = None,
) -> Verdict:
    """Say whether ``notification`` is notifiable under ``policy``, by when, and what else.

    Args:
        notification: family, cleaned body (``catalogue.validate_body``), the time
            lateness is judged at, and for requests/responses sender and references.
        policy: a preset (``load_preset``) or any parsed policy document.
        now_ms: the caller's clock, for overdue deadlines.
        history: what the caller holds (received and sent), for quotas, replies and
            calendars; ``None`` when it holds nothing (no such notes are made).

    Returns:
        A :class:`Verdict`: notifiable and the cited rules that tripped, observation,
        due date and lateness, reply deadline, notes and warnings.
    """
    n, fam = notification, notification.family
    if fam == "military_activity":
        return evaluate_activity(n, policy, history)
    if fam == "drone_flight":
        return _drone_flight(n, policy)
    if fam == "clarification_request":
        return _deadline(n, policy, now_ms, "clarification")
    if fam == "hotline_message":
        return _deadline(n, policy, now_ms, "hotline_message")
    if fam in ("annual_calendar", "annual_information"):
        return _exchange(n, policy)
    if fam in ("inspection_request", "evaluation_visit_request"):
        return request_verdict(n, policy, now_ms, history)
    if fam in ("inspection_response", "evaluation_visit_response"):
        return response_verdict(n, policy, now_ms, history)
    if fam == "inspection_report":
        return report_verdict(n, policy, now_ms, history)
    # Everything else is exchanged by agreement whenever it happens.
    return Verdict.said(policy.id, True, (say("always_exchanged"),))
