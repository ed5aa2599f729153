"""What a device may do with a delivery: read it from the log entry, then judge it.

docs/protocol.md §8.3 and §6.4. A delivery is a whole log entry (``Deliver.entry``)
and its leaf index, never a bare envelope: the device reads the hub's accept time and
the roster version in force from the entry, applies the acceptance rule exactly as the
hub did, and queues (index, leaf hash) for an inclusion proof against a checkpoint it
holds. Why: an envelope written straight into an inbox bypassed the log — shown to
the officer, never seen by an auditor. Anything refused here is never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .acceptance import (
    DEFAULT_RULES,
    Rules,
    Seen,
    check_envelope,
    check_hub_event,
    check_receipt,
)
from .envelope import Envelope
from .errors import Misrouted, ProtocolError, RosterBehind
from .events import LogEvent
from .merkle import leaf_hash
from .receipts import Receipt
from .roster import Roster, RosterDevice

__all__ = [
    "Logged",
    "LoggedMessage",
    "LoggedNotice",
    "LoggedReceipt",
    "read_delivery",
    "refusal",
    "roster_in_force",
]


@dataclass(frozen=True, slots=True)
class LoggedMessage:
    """An accepted envelope, as the log holds it."""

    event: LogEvent
    envelope: Envelope
    data: bytes  # the envelope's bytes
    leaf: bytes
    index: int
    duplicate: bool  # this device already holds it (a redelivery)

    @property
    def accepted_ms(self) -> int:
        return self.event.at_ms


@dataclass(frozen=True, slots=True)
class LoggedReceipt:
    event: LogEvent
    receipt: Receipt
    leaf: bytes
    index: int


@dataclass(frozen=True, slots=True)
class LoggedNotice:
    """A fork proof or an integrity alert the hub logged for every party."""

    event: LogEvent
    leaf: bytes
    index: int


Logged = LoggedMessage | LoggedReceipt | LoggedNotice


def roster_in_force(rosters: Mapping[int, Roster], ev: LogEvent) -> Roster:
    """The roster the hub says it applied (``extra["rv"]``), else the newest held.

    The claim is the hub's, inside a hub-signed, witnessed entry: an auditor checks it
    against the log's own ``roster`` entries.

    Raises:
        RosterBehind: the entry names a version newer than this device holds; judging it
            with an older roster could refuse (and so lose) a valid message. Transient:
            the hub pushes newer versions; the delivery is judged again when it comes back.
    """
    rv = ev.roster_version
    if rv is not None and rv in rosters:
        return rosters[rv]
    newest = max(rosters)
    if rv is not None and rv > newest:
        raise RosterBehind(f"the entry was accepted under roster {rv}; this device holds {newest}")
    return rosters[newest]


def read_delivery(
    entry: bytes,
    index: int,
    *,
    me: RosterDevice,
    rosters: Mapping[int, Roster],
    seen: Seen,
    rules: Rules = DEFAULT_RULES,
) -> Logged:
    """Decode and judge one delivery for device ``me``.

    Raises:
        ProtocolError: the delivery is refused (its ``code`` says why: a rule of §6.4,
            ``misrouted``, ``decode_error`` …). It must not be shown.
    """
    ev = LogEvent.decode(entry)
    leaf = leaf_hash(entry)
    roster = roster_in_force(rosters, ev)
    check_hub_event(ev, roster=roster)  # R17: a foreign entry is refused before anything
    if ev.type == "accepted":
        env = Envelope.decode(ev.payload)
        _addressed_to(me, env, roster)
        d = check_envelope(
            env, roster=roster, at_ms=ev.at_ms, seen=seen, rules=rules,
            reference_known=False, data=ev.payload,
        )  # fmt: skip
        return LoggedMessage(ev, env, ev.payload, leaf, index, d.duplicate)
    if ev.type == "receipt":
        rc = Receipt.decode(ev.payload)
        check_receipt(
            rc, roster=roster, at_ms=ev.at_ms, seen=seen, rules=rules, reference_known=False
        )
        return LoggedReceipt(ev, rc, leaf, index)
    if ev.type in ("fork_proof", "alert"):
        return LoggedNotice(ev, leaf, index)
    raise Misrouted(f"a {ev.type!r} log entry is not delivered to devices")


def _addressed_to(me: RosterDevice, env: Envelope, roster: Roster) -> None:
    # The hub routes a message to its recipients and to the sender's own party (its
    # other consoles), and to auditors when the roster says so; anything else in an
    # inbox was put there by someone else.
    if me.party in env.recipients or me.party == env.sender:
        return
    if me.role == "auditor" and roster.auditor_copies:
        return
    raise Misrouted(f"a message from {env.sender} to {', '.join(env.recipients)} reached {me.id}")


def refusal(exc: ProtocolError) -> str:
    """The one-line reason a refused delivery is stored and alerted with."""
    return f"{exc.code}: {exc.message}"
