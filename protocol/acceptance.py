"""The acceptance rule: one pure function, applied identically by everyone.

docs/protocol.md §6.4. The hub applies it at submit, every client before it shows or
stores anything it received, the hub's checkpointer before it signs an entry into the
tree, and the auditor to every entry of the log. Why one function: the hub is not
trusted (docs/domain.md, trust model) — whatever it, its operator or someone with write
access to its Redis could put in front of a party must fail the same checks the hub's
own submit path applies. No verifier may be more lenient than the hub.

Inputs are explicit, never read from a clock or a store:

- the object (an :class:`~.envelope.Envelope` or :class:`~.receipts.Receipt`),
- ``roster``: the roster in force at that log position (hub: its current one;
  auditor: the last ``roster`` entry before the position; client: the version the
  entry's ``extra["rv"]`` names),
- ``at_ms``: the hub's accept time (at submit: now; afterwards: the log entry's
  ``at_ms``) — never the sender's clock,
- ``seen``: what was accepted before (replay, references),
- ``authenticated``: the device the hub authenticated on this connection, if any.

Refusals are raised as typed :class:`~.errors.ProtocolError` subclasses (their ``code``
travels on the wire); an auditor catches them per entry and keeps going.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final, Protocol

from .catalogue import needs_reference
from .envelope import Envelope
from .errors import (
    ClockSkew,
    ExpiredKey,
    FamilyNotAllowed,
    ForeignReference,
    KeyError_,
    RecipientError,
    ReplayError,
    RevokedKey,
    SchemaError,
    SenderMismatch,
    UnknownReference,
    WrongRole,
)
from .events import LogEvent
from .receipts import Receipt
from .roster import Roster, RosterDevice

__all__ = [
    "DEFAULT_RULES",
    "HUB_EVENTS",
    "RECEIPT_ROLES",
    "SENDING_ROLES",
    "Decision",
    "Rules",
    "Seen",
    "SeenIndex",
    "SeenMessage",
    "check_envelope",
    "check_hub_event",
    "check_receipt",
    "envelope_digest",
]

#: roles that may originate notifications (R2): never the hub, an auditor or an observer
SENDING_ROLES: Final = ("officer", "feed")
#: roles that may sign receipts: the receiving consoles and systems, never the hub or an
#: auditor (an auditor reads; it does not take note on a party's behalf)
RECEIPT_ROLES: Final = ("officer", "feed", "observer")
#: what the hub identity may originate in the log: its own events, never a notification
HUB_EVENTS: Final = frozenset(
    {
        "accepted",  # the hub's wrapper around a device-signed envelope
        "receipt",  # likewise around a device-signed receipt
        "rejected",
        "roster",
        "hub_start",
        "hub_stop",
        "export",
        "dead_letter",
        "fork_proof",
        "alert",
    }
)


@dataclass(frozen=True, slots=True)
class SeenMessage:
    """What a verifier remembers of an accepted message."""

    digest: bytes  # SHA-256 of the envelope bytes
    sender: str
    family: str
    recipients: tuple[str, ...]
    at_ms: int


class Seen(Protocol):
    """What has been accepted before, by message id."""

    def lookup(self, mid: bytes) -> SeenMessage | None: ...


@dataclass(frozen=True, slots=True)
class Rules:
    """The bounds of R10 (the hub's settings; auditors use the same defaults)."""

    max_future_skew_ms: int = 120_000
    max_age_ms: int = 7 * 86_400_000


#: the hub's defaults, for verifiers that hold no settings of their own
DEFAULT_RULES: Final = Rules()


@dataclass(frozen=True, slots=True)
class Decision:
    """The object is acceptable; ``duplicate``: the same bytes were accepted before."""

    duplicate: bool = False


def envelope_digest(data: bytes) -> bytes:
    """The digest R11 compares: SHA-256 of the envelope's canonical bytes."""
    return hashlib.sha256(data).digest()


def _device(roster: Roster, device_id: str, at_ms: int, roles: tuple[str, ...]) -> RosterDevice:
    # R1-R4: known, allowed role, not revoked, valid at the accept time. The order is the
    # spec's, so every implementation reports the same code for the same input.
    dev = roster.get(device_id)
    if dev is None:
        raise KeyError_(f"{device_id} is not in roster version {roster.version}")
    if dev.role not in roles:
        raise WrongRole(f"{device_id} is a {dev.role}: only {' or '.join(roles)} may send this")
    if dev.revoked:
        raise RevokedKey(f"{device_id} is revoked in roster version {roster.version}")
    if at_ms < dev.valid_from_ms or (dev.valid_until_ms and at_ms > dev.valid_until_ms):
        raise ExpiredKey(f"{device_id} was outside its validity window at {at_ms}")
    return dev


def check_envelope(
    env: Envelope,
    *,
    roster: Roster,
    at_ms: int,
    seen: Seen,
    rules: Rules = Rules(),
    authenticated: str | None = None,
    reference_known: bool = True,
    data: bytes | None = None,
) -> Decision:
    """Apply R0-R12 to an envelope; raise the first refusal.

    Args:
        data: the envelope's bytes when the caller has them (saves re-encoding).
        reference_known: the verifier holds the whole log (hub, auditor), so a reference
            to an id it does not know is refused; a client holding part of it skips that.

    Raises:
        ProtocolError: the typed refusal (docs/protocol.md §6.4 names the rule).
    """
    prior = seen.lookup(env.id)
    digest = envelope_digest(data if data is not None else env.encode()) if prior else b""
    if prior is not None and prior.digest == digest:  # R0
        # The very bytes were accepted before: a retry gets the original answer, even if
        # the device has been revoked or the clock moved on since.
        return Decision(duplicate=True)
    dev = _device(roster, env.device, at_ms, SENDING_ROLES)  # R1-R4
    if authenticated is not None and authenticated != env.device:  # R5
        raise SenderMismatch(f"authenticated as {authenticated}, envelope is from {env.device}")
    env.verify(dev.verify_key)  # R6
    if not dev.may_send(env.family):  # R7
        raise FamilyNotAllowed(f"{dev.id} may not send {env.family}: not in its roster families")
    known = {p.code for p in roster.parties if p.kind in ("party", "observer")}
    for r in env.recipients:  # R8
        if r not in known:
            raise RecipientError(
                f"recipient {r} is not in roster version {roster.version}", field="recipients"
            )
    if needs_reference(env.family) and env.in_reply_to is None:  # R9
        raise SchemaError(
            f"{env.family} must refer to a message (in_reply_to)", field="in_reply_to"
        )
    if prior is not None:  # R10
        raise ReplayError("this message id was already used for different content")
    skew = env.created_ms - at_ms  # R11
    if skew > rules.max_future_skew_ms or -skew > rules.max_age_ms:
        raise ClockSkew(
            f"created_at is {skew / 1000:+.0f} s from the hub's clock; allowed "
            f"+{rules.max_future_skew_ms // 1000} s / -{rules.max_age_ms // 1000} s: "
            "fix the device clock"
        )
    _check_references(env, seen, reference_known)  # R12
    return Decision()


def _check_references(env: Envelope, seen: Seen, reference_known: bool) -> None:
    # R12: an amendment or cancellation speaks for the party that made the notice. Why:
    # a `supersedes` pointing at another party's notice hid that party's figures (and
    # the growth alert they raised) from every register.
    if env.supersedes is not None:
        ref = seen.lookup(env.supersedes)
        if ref is None:
            if reference_known:
                raise UnknownReference(
                    "supersedes names no accepted message: check the id", field="supersedes"
                )
        elif ref.sender != env.sender:
            raise ForeignReference(
                f"supersedes a notice of {ref.sender}: a party amends only its own notices",
                field="supersedes",
            )
    if env.in_reply_to is not None and reference_known and seen.lookup(env.in_reply_to) is None:
        raise UnknownReference(
            "in_reply_to names no accepted message: check the id", field="in_reply_to"
        )


def check_receipt(
    rc: Receipt,
    *,
    roster: Roster,
    at_ms: int,
    seen: Seen,
    rules: Rules = Rules(),
    authenticated: str | None = None,
    reference_known: bool = True,
) -> Decision:
    """Apply the receipt rule (docs/protocol.md §6.4, R13-R16); raise the first refusal.

    Args:
        reference_known: the verifier holds the whole log (hub, auditor). A client holds
            part of it: a receipt about a message it does not hold (yet — a redelivery
            after a Redis restart may bring the receipt first) is not judged by R16 there;
            the hub and the auditor judge it with the message.
    """
    dev = _device(roster, rc.device, at_ms, RECEIPT_ROLES)  # R13 (= R1-R4 for signers)
    if authenticated is not None and authenticated != rc.device:  # R14
        raise SenderMismatch(f"authenticated as {authenticated}, receipt is from {rc.device}")
    rc.verify(dev.verify_key)  # R15
    msg = seen.lookup(rc.message_id)  # R16
    if msg is None:
        if not reference_known:
            return Decision()
        raise UnknownReference("the receipt names no accepted message", field="message_id")
    if rc.party not in msg.recipients:
        raise RecipientError(f"{rc.party} is not a recipient of this message")
    if rc.at_ms > at_ms + rules.max_future_skew_ms:
        raise ClockSkew("the receipt is dated in the future of the hub's clock: fix the clock")
    return Decision()


def check_hub_event(ev: LogEvent, *, roster: Roster) -> RosterDevice:
    """The entry was written by a hub of ``roster`` (R17): its role and signature.

    Raises:
        KeyError_ / WrongRole: ``ev.hub`` is not a hub device of the roster.
        UnsignedEvent: no hub signature, or it does not verify.
    """
    dev = roster.get(ev.hub)
    if dev is None:
        raise KeyError_(f"{ev.hub} is not in roster version {roster.version}")
    if dev.role != "hub" or dev.revoked:
        raise WrongRole(f"{ev.hub} is not a current hub of roster version {roster.version}")
    if ev.type not in HUB_EVENTS:
        raise WrongRole(f"a hub may not originate {ev.type!r} entries")
    ev.verify(dev.verify_key)
    return dev


class SeenIndex:
    """An in-memory :class:`Seen`: what a client, an auditor or a checkpointer has read."""

    def __init__(self) -> None:
        self._by_id: dict[bytes, SeenMessage] = {}

    def lookup(self, mid: bytes) -> SeenMessage | None:
        return self._by_id.get(mid)

    def add(self, env: Envelope, data: bytes, at_ms: int) -> None:
        """Remember an accepted envelope (the first acceptance wins)."""
        self._by_id.setdefault(
            env.id,
            SeenMessage(envelope_digest(data), env.sender, env.family, env.recipients, at_ms),
        )

    def __len__(self) -> int:
        return len(self._by_id)
