"""Pure formatting for the console: what a person reads, never raw JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hotline.protocol import Notification, Verdict, evaluate, load_preset

from ..store import InboxRow

__all__ = ["PREC_MARK", "body_lines", "countdown", "fmt_time", "inbox_cells", "verdicts_for"]

# Never colour alone: every precedence has a symbol and a word.
PREC_MARK = {"FLASH": "‼ FLASH", "IMMEDIATE": "! IMMED", "PRIORITY": "▲ PRIOR", "ROUTINE": "· ROUT"}
PREC_RANK = {"FLASH": 3, "IMMEDIATE": 2, "PRIORITY": 1, "ROUTINE": 0}
STATE = {-1: "new", 0: "delivered", 1: "read", 2: "ACKED"}
SHORT_STATE = {-1: "NEW", 0: "dlvd", 1: "read", 2: "ack'd"}
LABELS = {
    "military_activity": "Military activity",
    "drone_flight": "Drone flight",
    "cyber_incident": "Cyber incident",
    "arms_transfer": "Arms transfer",
    "annual_information": "Annual information",
    "hotline_message": "Hotline message",
    "clarification_request": "Clarification request",
    "clarification_response": "Clarification response",
    "observation_invitation": "Observation invitation",
    "observation_response": "Observation response",
    "link_test": "Link test",
    "inspection_request": "Inspection request",
    "inspection_response": "Inspection response",
    "inspection_report": "Inspection report",
    "evaluation_visit_request": "Evaluation visit request",
    "evaluation_visit_response": "Evaluation visit response",
    "annual_calendar": "Annual calendar",
}


def fmt_time(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%d %b %H:%M")


def countdown(deadline_ms: int, now_ms: int) -> str:
    left = (deadline_ms - now_ms) // 1000
    if left < 0:
        return f"OVERDUE by {_span(-left)}"
    return f"due in {_span(left)}"


def _span(s: int) -> str:
    d, rem = divmod(s, 86400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    return f"{d}d {h}h" if d else f"{h}h {m:02d}m" if h else f"{m}m"


def alarming(m: InboxRow) -> bool:
    """FLASH and IMMEDIATE stay alarming until an officer acknowledges them."""
    return m.precedence in ("FLASH", "IMMEDIATE") and m.my_rank < 2


def inbox_cells(m: InboxRow, width: int = 40) -> tuple[str, ...]:
    drill = "DRILL " if m.exercise else ""
    sig = "✓" if m.verified else "✗"
    return (
        PREC_MARK.get(m.precedence, m.precedence),
        fmt_time(m.created_ms),
        m.sender,
        f"{drill}{LABELS.get(m.family, m.family)}",
        summary(m, width),
        SHORT_STATE.get(m.my_rank, "?"),
        sig,
    )


def summary(m: InboxRow, width: int = 60) -> str:
    b = m.body
    for key in (
        "text",
        "name",
        "question",
        "answer",
        "summary",
        "system",
        "uav_type",
        "place",
        "note",
    ):
        if isinstance(b.get(key), str):
            s: str = b[key]
            return s if len(s) <= width else s[: max(1, width - 1)] + "…"
    return ""


def verdicts_for(
    family: str, body: dict[str, Any], created_ms: int, policies: list[str], now_ms: int
) -> list[Verdict]:
    n = Notification(family, body, created_ms)
    return [evaluate(n, load_preset(p), now_ms) for p in policies]


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, dict) and "type" in v:
        coords = v.get("coordinates")
        return f"{v['type']} ({len(coords) if isinstance(coords, list) else 0} points)"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_value(x)}" for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return str(v)


def body_lines(m: InboxRow, policies: list[str], now_ms: int) -> list[str]:
    """Every field of the notification, for a person."""
    out = []
    if m.exercise:
        out.append("*** EXERCISE — EXERCISE — EXERCISE: this is a drill ***")
    out.append(
        f"{LABELS.get(m.family, m.family)} from {m.sender} ({m.device}), "
        f"{PREC_MARK.get(m.precedence, m.precedence)}"
    )
    out.append(f"Sent {fmt_time(m.created_ms)} UTC to {', '.join(m.recipients)}")
    out.append(
        "Signature: verified against the roster"
        if m.verified
        else f"Signature: NOT VERIFIED — {m.error}"
    )
    if m.in_reply_to:
        out.append(f"In reply to {m.in_reply_to}")
    if m.supersedes:
        out.append(f"Amends / cancels {m.supersedes}")
    out.append("")
    for k, v in m.body.items():
        out.append(f"{k.replace('_', ' '):>20}: {_value(v)}")
    if m.verified and m.body:
        out.append("")
        for v in verdicts_for(m.family, m.body, m.created_ms, policies, now_ms):
            line = f"Policy: {v.summary()}"
            if v.reply_deadline_ms:
                line += f" ({countdown(v.reply_deadline_ms, now_ms)})"
            out.append(line)
    return out


def pretty(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
