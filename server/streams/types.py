"""The typed values the streams package returns, and how they are read from Redis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AcceptResult",
    "ClaimResult",
    "Foreign",
    "InboxBatch",
    "InboxEntry",
    "LogEntry",
    "MessageMeta",
    "RouteResult",
    "as_str",
    "id_lt",
    "log_entry",
    "next_id",
]


@dataclass(frozen=True, slots=True)
class AcceptResult:
    position: str
    duplicate: bool
    index: int | None = None  # the new entry's leaf index ``n``
    #: one ROUTE code per route-to party (1 new, 0 there, 2 above a foreign top) when the
    #: append routed it itself (APPEND_ROUTED); None: left to the router
    routed: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: str
    type: str
    event: bytes  # the whole log event (its leaf is over these bytes)
    mid: str
    to: tuple[str, ...]
    lane: str = "routine"
    index: int | None = None  # the leaf index ``n`` (None: written before D4)


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One delivery: an inbox reference resolved against the log entry it names."""

    id: str  # the delivery id (the inbox entry's id)
    type: str  # "env" | "rcpt" (from the log entry, not from the reference)
    data: bytes  # the envelope or receipt bytes inside the log event
    mid: str
    deliveries: int = 1
    lane: str = "routine"
    log_id: str = ""
    index: int | None = None
    event: bytes = b""  # the whole log event bytes, for inclusion checks (D5)


@dataclass(frozen=True, slots=True)
class Foreign:
    """An inbox entry the router did not write; dead-lettered, never delivered."""

    id: str
    lane: str
    log_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class InboxBatch:
    entries: list[InboxEntry] = field(default_factory=list)
    foreign: list[Foreign] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    entries: list[InboxEntry]
    deleted: list[str]
    foreign: list[Foreign] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MessageMeta:
    position: str
    sender: str
    recipients: list[str]
    lane: str
    digest: str = ""  # SHA-256 of the envelope bytes, hex (the acceptance rule's R0/R10)


@dataclass(frozen=True, slots=True)
class RouteResult:
    woke: set[str]  # parties that got something new
    out_of_order: dict[str, int]  # party → entries appended above a foreign top id


def as_str(v: Any) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def log_entry(eid: Any, f: dict[Any, Any]) -> LogEntry:
    to = as_str(f.get(b"to", b""))
    n = f.get(b"n")
    return LogEntry(
        as_str(eid),
        as_str(f.get(b"t", b"")),
        bytes(f.get(b"e", b"")),
        as_str(f.get(b"mid", b"")),
        tuple(p for p in to.split(",") if p),
        "urgent" if f.get(b"ln") == b"urgent" else "routine",  # entries from before lanes
        int(n) if n is not None and as_str(n).isdigit() else None,
    )


def _parse_id(i: str) -> tuple[int, int]:
    a, _, b = i.partition("-")
    return int(a), int(b or 0)


def id_lt(a: str, b: str) -> bool:
    return _parse_id(a) < _parse_id(b)


def next_id(i: str) -> str:
    a, b = _parse_id(i)
    return f"{a}-{b + 1}"
