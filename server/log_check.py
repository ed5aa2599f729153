"""What the checkpointer checks before it signs an entry into the tree (docs/protocol.md §9.3).

The hub signs only what it wrote: every entry must carry a valid hub signature (or be
one this process signed a moment ago), sit at the leaf index it claims, and — for an
accepted envelope or a receipt — pass the acceptance rule with the roster the log had
in force there and the log's own accept time. Anything else is foreign: it stops
checkpointing and raises the integrity alarm; the auditor reports it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from hotline.protocol import Envelope, ProtocolError, Receipt, Roster, verify_transition
from hotline.protocol.acceptance import (
    Rules,
    SeenIndex,
    check_envelope,
    check_hub_event,
    check_receipt,
)
from hotline.protocol.errors import IntegrityAlarm, ReplayError
from hotline.protocol.events import LogEvent

from .event_log import HubSigner

__all__ = ["EntryChecker"]


class EntryChecker:
    """Walks the log in order; :meth:`check` raises IntegrityAlarm on a foreign entry."""

    def __init__(self, rosters: Sequence[Roster], signer: HubSigner | None, rules: Rules) -> None:
        if not rosters:
            raise ValueError("the checker needs the roster chain")
        self.known = {r.version: r for r in rosters}  # verified versions, incl. not yet logged
        self.logged = 0  # the newest roster version the log itself holds
        self.signer = signer
        self.rules = rules
        self.seen = SeenIndex()

    def check(self, index: int, data: bytes, n: int | None, *, trusted: bool = False) -> None:
        """Check one entry at leaf ``index``; ``trusted``: already covered by a checkpoint.

        Covered entries only feed the walk's memory (rosters, ids seen); their checks
        ran when they were signed.
        """
        if n is not None and n != index:
            raise IntegrityAlarm(
                f"log entry {index} says it is entry {n}: entries were removed or inserted"
            )
        try:
            own = self.signer.recall(data) if self.signer is not None and not trusted else None
            # Why the signer's copy: decoding a 19 KB event and its envelope again was a
            # twentieth of the hub's CPU per message; the bytes are the same (same digest).
            ev = own.event if own is not None else LogEvent.decode(data)
            mine = trusted or own is not None
            if ev.type == "roster":
                self._roster(ev)
            roster = self._in_force(ev)
            if not mine:
                check_hub_event(ev, roster=roster)
            if ev.type == "accepted":
                note = own.note if own is not None else None
                self._accepted(ev, roster, mine, note if isinstance(note, Envelope) else None)
            elif ev.type == "receipt" and not mine:
                check_receipt(
                    Receipt.decode(ev.payload), roster=roster, at_ms=ev.at_ms, seen=self.seen,
                    rules=self.rules,
                )  # fmt: skip
        except ProtocolError as exc:
            raise IntegrityAlarm(
                f"log entry {index} was not written by this network's hub ({exc.code}: "
                f"{exc.message})"
            ) from exc

    def _roster(self, ev: LogEvent) -> None:
        new = Roster.decode(ev.payload)
        if new.version <= self.logged:
            return  # logged again by another hub's start: the same version
        prev = self.known.get(new.version - 1) if self.logged else None
        verify_transition(prev, new, new.issued_ms)
        self.known[new.version] = new
        self.logged = new.version

    def _in_force(self, ev: LogEvent) -> Roster:
        # The hub logs a roster before it applies it, so an entry may only name a
        # version the log already holds.
        rv = ev.roster_version
        if rv is None or not self.logged:
            return self.known[self.logged or min(self.known)]
        if rv > self.logged or rv not in self.known:
            raise IntegrityAlarm(f"the entry names roster version {rv}, not yet in the log")
        return self.known[rv]

    def _accepted(self, ev: LogEvent, roster: Roster, mine: bool, env: Envelope | None) -> None:
        env = env or Envelope.decode(ev.payload)
        if not mine:
            d = check_envelope(
                env, roster=roster, at_ms=ev.at_ms, seen=self.seen, rules=self.rules,
                data=ev.payload,
            )  # fmt: skip
            if d.duplicate:
                raise ReplayError("this message id is already in the log")
        self.seen.add(env, ev.payload, ev.at_ms)
