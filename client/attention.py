"""What needs the officer's attention: deadlines, overdue answers, the counts in the header.

Every time-based mark (overdue, countdown, "due in") goes through :func:`message_time`,
the one place that says which clock a message's deadlines run from. Today that is the
sender's ``created_ms``; when deliveries carry the hub's accept time (``accepted_ms``,
docs/protocol.md D3 "time from the log"), it is used instead, with no other change.
Pure: the caller hands in rows and ``now_ms``; used by the console and ``hotline inbox``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hotline.protocol import Notification, Policy, evaluate, load_preset

from .store import InboxRow

__all__ = [
    "Attention",
    "ReplyState",
    "attention",
    "i_owe",
    "message_time",
    "overdue_for_me",
    "owed_to_me",
    "reply_deadline",
]

#: families whose policy sets a reply/acknowledgement deadline
DEADLINE_FAMILIES = ("hotline_message", "clarification_request")
URGENT = ("FLASH", "IMMEDIATE")


def message_time(m: InboxRow | Mapping[str, Any]) -> int:
    """The time a message's deadlines run from: the hub's accept time when known."""
    if isinstance(m, Mapping):
        return int(m.get("accepted_ms") or m["created_ms"])
    return int(getattr(m, "accepted_ms", None) or m.created_ms)


@functools.lru_cache(maxsize=16)
def _preset(name: str) -> Policy:
    return load_preset(name)


def reply_deadline(
    family: str, body: dict[str, Any], at_ms: int, policies: Iterable[str]
) -> int | None:
    """The strictest reply/acknowledgement deadline the configured presets set, if any."""
    if family not in DEADLINE_FAMILIES:
        return None
    n = Notification(family, body, at_ms)
    found = [evaluate(n, _preset(p), at_ms).reply_deadline_ms for p in policies]
    deadlines = [d for d in found if d is not None]
    return min(deadlines) if deadlines else None


@dataclass(frozen=True, slots=True)
class ReplyState:
    """One message's deadline as the officer sees it."""

    deadline_ms: int | None
    done: bool  # acknowledged / answered: the countdown stops

    def overdue(self, now_ms: int) -> bool:
        return self.deadline_ms is not None and not self.done and now_ms > self.deadline_ms


def i_owe(m: InboxRow, answered: set[str], policies: Iterable[str]) -> ReplyState:
    """What I owe for a received message: an acknowledgement (hotline) or an answer."""
    deadline = reply_deadline(m.family, m.body, message_time(m), policies)
    if m.family == "clarification_request":
        return ReplyState(deadline, m.id in answered)
    return ReplyState(deadline, m.my_rank >= 2)


def owed_to_me(
    s: Mapping[str, Any], ranks: Mapping[str, int], answered: set[str], policies: Iterable[str]
) -> ReplyState:
    """What is owed to me for a sent row: every recipient's ack, or the answer."""
    if s.get("status", s.get("state")) in ("refused", "rejected"):
        return ReplyState(None, True)
    deadline = reply_deadline(s["family"], s["body"], message_time(s), policies)
    if s["family"] == "clarification_request":
        return ReplyState(deadline, s["id"] in answered)
    return ReplyState(deadline, all(ranks.get(p, -1) >= 2 for p in s["recipients"]))


def overdue_for_me(
    rows: Iterable[InboxRow], sent: Iterable[Mapping[str, Any]], policies: list[str], now_ms: int
) -> set[str]:
    """Ids of received messages whose answer or acknowledgement I owe and is overdue."""
    answered = {str(s["in_reply_to"]) for s in sent if s.get("in_reply_to")}
    return {m.id for m in rows if i_owe(m, answered, policies).overdue(now_ms)}


@dataclass(frozen=True, slots=True)
class Attention:
    """The counts in the attention header."""

    unacked_flash: int = 0
    unacked_immediate: int = 0
    overdue_mine: int = 0  # answers / acks I owe, past their deadline
    overdue_theirs: int = 0  # answers / acks owed to me, past their deadline
    security_alerts: int = 0  # not yet looked at
    register_alerts: int = 0
    overdue_ids: frozenset[str] = frozenset()  # inbox and sent ids to mark

    @property
    def calm(self) -> bool:
        return not (
            self.unacked_flash
            or self.unacked_immediate
            or self.overdue_mine
            or self.overdue_theirs
            or self.security_alerts
            or self.register_alerts
        )


def attention(
    inbox: list[InboxRow],
    sent: list[dict[str, Any]],
    ranks: Mapping[str, Mapping[str, int]],
    alerts: Mapping[str, int],
    policies: list[str],
    now_ms: int,
) -> Attention:
    """Count what needs the officer now; ``ranks``: sent id → party → best receipt rank."""
    answered_by_me = {str(s["in_reply_to"]) for s in sent if s.get("in_reply_to")}
    answered_to_me = {m.in_reply_to for m in inbox if m.in_reply_to}
    mine = {m.id for m in inbox if i_owe(m, answered_by_me, policies).overdue(now_ms)}
    theirs = {
        s["id"]
        for s in sent
        if owed_to_me(
            s, ranks.get(s["id"], {}), {a for a in answered_to_me if a}, policies
        ).overdue(now_ms)
    }
    unacked = [m for m in inbox if m.precedence in URGENT and m.my_rank < 2 and m.verified]
    return Attention(
        unacked_flash=sum(m.precedence == "FLASH" for m in unacked),
        unacked_immediate=sum(m.precedence == "IMMEDIATE" for m in unacked),
        overdue_mine=len(mine),
        overdue_theirs=len(theirs),
        security_alerts=int(alerts.get("security", 0)),
        register_alerts=int(alerts.get("register", 0)),
        overdue_ids=frozenset(mine | theirs),
    )
