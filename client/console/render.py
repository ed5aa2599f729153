"""Pure formatting for the console: what a person reads, in their language, never raw JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hotline.protocol import Notification, Verdict, evaluate, load_preset

from ..attention import ReplyState, message_time
from ..i18n import (
    _,
    family_name,
    field_name,
    fmt_datetime,
    fmt_number,
    fmt_time,
    precedence_mark,
    receipt_state,
    value_name,
    verdict_text,
)
from ..i18n.measures import countdown
from ..search import short_id
from ..store import InboxRow

__all__ = [
    "PREC_RANK",
    "alarming",
    "body_lines",
    "countdown",
    "inbox_cells",
    "sent_cells",
    "summary",
    "timeline_lines",
    "verdicts_for",
]

PREC_RANK = {"FLASH": 3, "IMMEDIATE": 2, "PRIORITY": 1, "ROUTINE": 0}
#: free-text fields: shown exactly as sent, with the language tag they came with
FREE_TEXT = (
    "text",
    "question",
    "answer",
    "summary",
    "purpose",
    "note",
    "remarks",
    "subject",
    "grounds",
    "findings",
    "reason",
    "unit",
    "location",
    "point_of_entry",
    "air_participation",
)
SUMMARY_KEYS = ("text", "name", "question", "answer", "summary", "system", "uav_type", "place")


def alarming(m: InboxRow) -> bool:
    """FLASH and IMMEDIATE stay alarming until an officer acknowledges them."""
    return m.precedence in ("FLASH", "IMMEDIATE") and m.my_rank < 2 and m.verified


def _short_state(rank: int) -> str:
    return {-1: _("NEW"), 0: _("new"), 1: _("read"), 2: _("ack'd")}.get(rank, "?")


def inbox_cells(m: InboxRow, width: int, overdue: bool) -> tuple[str, ...]:
    drill = _("DRILL") + " " if m.exercise else ""
    you = ("⏰ " if overdue else "") + _short_state(m.my_rank)
    return (
        precedence_mark(m.precedence),
        fmt_time(message_time(m)),
        m.sender,
        f"{drill}{family_name(m.family)}",
        summary(m.body, width),
        you,
        "✓" if m.verified else "✗",
    )


def summary(body: Mapping[str, Any], width: int = 60) -> str:
    for key in SUMMARY_KEYS:
        if isinstance(body.get(key), str):
            s: str = " ".join(body[key].split())
            return s if len(s) <= width else s[: max(1, width - 1)] + "…"
    return ""


def verdicts_for(
    family: str, body: dict[str, Any], at_ms: int, policies: list[str], now_ms: int
) -> list[Verdict]:
    n = Notification(family, body, at_ms)
    return [evaluate(n, load_preset(p), now_ms) for p in policies]


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, int | float):
        return fmt_number(v)
    if isinstance(v, dict) and "type" in v:
        coords = v.get("coordinates")
        n = len(coords) if isinstance(coords, list) else 0
        return _("{shape} ({n} points)").format(shape=v["type"], n=n)
    if isinstance(v, dict):
        return ", ".join(f"{field_name(str(k))}: {_value(x)}" for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(_value(x) for x in v)
    return value_name(str(v))


def field_lines(body: Mapping[str, Any]) -> list[str]:
    """Every field, labelled in the officer's language; free text as sent, tagged."""
    tag = body.get("lang")
    out = []
    for k, v in body.items():
        if k == "lang":
            continue
        if k in FREE_TEXT and isinstance(v, str):
            shown = f"[{tag}] {v}" if isinstance(tag, str) else v
        else:
            shown = _value(v)
        out.append(f"{field_name(k):>24}: {shown}")
    return out


def body_lines(m: InboxRow, policies: list[str], now_ms: int, reply: ReplyState) -> list[str]:
    """The message for a person: who, when, signature, fields, verdict and deadline."""
    out = []
    if m.exercise:
        out.append(_("*** EXERCISE — EXERCISE — EXERCISE: this is a drill ***"))
    out.append(
        _("{family} from {sender} ({device}), {precedence}").format(
            family=family_name(m.family),
            sender=m.sender,
            device=m.device,
            precedence=precedence_mark(m.precedence),
        )
    )
    out.append(
        _("Sent {time} UTC to {recipients} · id …{id}").format(
            time=fmt_datetime(message_time(m)),
            recipients=", ".join(m.recipients),
            id=short_id(m.id),
        )
    )
    out.append(
        _("Signature: verified against the roster")
        if m.verified
        else _("Signature: NOT VERIFIED — {error}").format(error=m.error)
    )
    if m.in_reply_to:
        out.append(_("In reply to …{id}").format(id=short_id(m.in_reply_to)))
    if m.supersedes:
        out.append(_("Amends / cancels …{id}").format(id=short_id(m.supersedes)))
    out.append("")
    out += field_lines(m.body)
    if m.verified and m.body:
        out.append("")
        for v in verdicts_for(m.family, m.body, message_time(m), policies, now_ms):
            out.append(_("Policy: {verdict}").format(verdict=verdict_text(v, reply.done)))
    if reply.deadline_ms is not None:
        out.append(
            _("Answered / acknowledged: the deadline is met")
            if reply.done
            else countdown(reply.deadline_ms, now_ms)
        )
    return out


def sent_status(s: Mapping[str, Any]) -> str:
    """queued / accepted / refused (the lead's ``status``; older rows carry ``state``)."""
    st = str(s.get("status") or s.get("state") or "queued")
    return "refused" if st == "rejected" else st


def sent_cells(s: Mapping[str, Any], ranks: Mapping[str, int], overdue: bool) -> tuple[str, ...]:
    status = sent_status(s)
    said = {"queued": _("queued"), "accepted": _("accepted"), "refused": _("REFUSED")}
    short = {-1: _("sent"), 0: _("dlvd"), 1: _("read"), 2: _("ACK")}
    per = " ".join(f"{p}:{short[max(-1, min(2, ranks.get(p, -1)))]}" for p in s["recipients"])
    if status == "refused":
        per = str(s.get("error") or "")
    drill = _("DRILL") + " " if s["exercise"] else ""
    return (
        fmt_time(message_time(s)),
        drill + family_name(s["family"]),
        precedence_mark(s["precedence"]),
        ("⏰ " if overdue else "") + said.get(status, status),
        per,
    )


def timeline_lines(s: Mapping[str, Any], times: Mapping[str, Mapping[int, int]]) -> list[str]:
    """Per recipient device: delivered / read / acknowledged, each with its time."""
    out = [
        _("{family} to {recipients}, sent {time} UTC · id …{id}").format(
            family=family_name(s["family"]),
            recipients=", ".join(s["recipients"]),
            time=fmt_datetime(message_time(s)),
            id=short_id(s["id"]),
        )
    ]
    if sent_status(s) == "refused":
        out.append(_("REFUSED: {error}").format(error=s.get("error") or ""))
    out.append("")
    for party in s["recipients"]:
        devices = sorted(d for d in times if d.partition("/")[0] == party)
        if not devices:
            out.append(f"  {party}: {receipt_state(-1)}")
        for dev in devices:
            steps = [
                f"{receipt_state(rank)} {fmt_time(at)}" for rank, at in sorted(times[dev].items())
            ]
            out.append(f"  {dev}: " + " → ".join(steps))
    return out
