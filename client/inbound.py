"""Incoming deliveries: judged by the acceptance rule, stored once, acked, proven later.

Every delivery is a log entry (docs/protocol.md §8.3). It is read and judged by
:func:`hotline.protocol.delivery.read_delivery` — the same rule the hub applies at
submit, with the hub's accept time and the roster in force then. What the rule refuses
is never shown: the refusal is stored with the entry as evidence, a security alert is
raised and the delivery is acked so it is not redelivered. What it accepts is
decrypted, stored (deduplicated by id) in one commit with the rest of the burst, acked,
and queued for an inclusion proof; the ``delivered`` receipt waits for that proof.

Nothing is acknowledged to the hub before it is on disk here, so a crash at any point
means a redelivery, and the store's dedupe by id shows it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from hotline.protocol import decode_body, id_text, open_sealed
from hotline.protocol.acceptance import Rules
from hotline.protocol.connection import ClientConnection
from hotline.protocol.delivery import (
    LoggedMessage,
    LoggedNotice,
    LoggedReceipt,
    read_delivery,
    refusal,
)
from hotline.protocol.errors import ProtocolError
from hotline.protocol.frames import ACK_MAX, Deliver
from hotline.protocol.roster import RosterDevice
from hotline.runtime import trace

from .events import Event, MessageReceived, ReceiptUpdated, SecurityAlert
from .home import Device
from .link import NotConnected
from .rosters import RosterBook
from .store import Store

__all__ = ["Inbound", "Proofs"]

log = logging.getLogger("hotline.client.inbound")
Send = Callable[[Callable[[ClientConnection], None]], Awaitable[None]]
Proofs = Callable[[str, int, bytes], None]  # (key, index, leaf): owe a proof for it


@dataclass
class _Burst:
    """What one burst of deliveries adds, gathered before its single commit."""

    messages: list[tuple[LoggedMessage, dict[str, Any]]] = field(default_factory=list)
    receipts: list[tuple[str, LoggedReceipt]] = field(default_factory=list)
    notices: list[tuple[str, LoggedNotice]] = field(default_factory=list)
    replays: list[tuple[str, str, int, int]] = field(default_factory=list)
    refused: list[tuple[Deliver, ProtocolError]] = field(default_factory=list)
    handled: list[str] = field(default_factory=list)


class Inbound:
    """See the module docstring."""

    def __init__(
        self,
        *,
        device: Device,
        store: Store,
        rosters: RosterBook,
        rules: Rules,
        send: Send,
        emit: Callable[[Event], None],
        owe_proof: Proofs,
        clock: Callable[[], int],
    ) -> None:
        self.device = device
        self.store = store
        self.rosters = rosters
        self.rules = rules
        self._send = send
        self._emit = emit
        self._owe_proof = owe_proof
        self._clock = clock

    def _me(self) -> RosterDevice:
        me = self.rosters.current.get(self.device.id)
        if me is None:  # removed from the roster: judge as the role we were given
            return RosterDevice(self.device.id, self.device.role, self.device.sign.verify_key.raw)
        return me

    async def handle(
        self, items: list[Deliver], preempt: Callable[[], bool] | None = None
    ) -> list[Deliver]:
        """Judge, store (one commit), ack; returns the deliveries left for later.

        The cryptography runs first, one message at a time, yielding to the event loop
        between messages; when ``preempt()`` turns true (an urgent frame arrived) the rest
        of the burst is returned unhandled. The commit itself never yields.
        """
        burst, me = _Burst(), self._me()
        for n, d in enumerate(items):
            if n and preempt is not None:
                await asyncio.sleep(0)  # let the reader see what has arrived meanwhile
                if preempt():
                    self._commit(burst)
                    await self._ack(burst.handled)
                    return items[n:]
            if self._judge(d, me, burst):
                burst.handled.append(d.delivery)
        self._commit(burst)
        await self._ack(burst.handled)
        return []

    def _judge(self, d: Deliver, me: RosterDevice, burst: _Burst) -> bool:
        """Add the delivery to the burst; False if it must wait (not acked, judged again)."""
        try:
            logged = read_delivery(
                d.entry, d.index, me=me, rosters=self.rosters.versions, seen=self.store,
                rules=self.rules,
            )  # fmt: skip
        except ProtocolError as exc:
            if exc.transient:  # say, a roster version not here yet: the hub sends it again
                log.info("delivery %s waits: %s", d.delivery, exc.message)
                return False
            burst.refused.append((d, exc))
            return True
        if isinstance(logged, LoggedMessage):
            trace.point("client_received", logged.envelope.id, self.device.id)
            if not logged.duplicate:
                burst.messages.append((logged, self._row(logged, d.delivery)))
            else:  # a redelivery, this device's own message back — or a replay in the log
                mid = id_text(logged.envelope.id)
                held = self.store.log_index(mid)
                if held is not None and held != logged.index:
                    burst.replays.append((d.delivery, mid, held, logged.index))
        elif isinstance(logged, LoggedReceipt):
            burst.receipts.append((d.delivery, logged))
        else:
            burst.notices.append((d.delivery, logged))
        return True

    def _row(self, m: LoggedMessage, delivery: str) -> dict[str, Any]:
        env = m.envelope
        row: dict[str, Any] = {
            "id": id_text(env.id),
            "sender": env.sender,
            "device": env.device,
            "family": env.family,
            "precedence": env.precedence,
            "exercise": env.exercise,
            "created_ms": env.created_ms,
            "received_ms": self._clock(),
            "accepted_ms": m.accepted_ms,
            "log_index": m.index,
            "position": delivery,  # the log's stream id: inboxes reuse it
            "body": {},
            "recipients": list(env.recipients),
            "in_reply_to": id_text(env.in_reply_to) if env.in_reply_to else None,
            "supersedes": id_text(env.supersedes) if env.supersedes else None,
            "verified": True,  # the acceptance rule held
            "error": None,
            "seq": env.seq,
        }
        try:
            if self.device.enc is None:
                raise ProtocolError("this device holds no decryption key")
            plain = open_sealed(
                env.ciphertext, env.header_digest(), self.device.id, self.device.enc
            )
            row["body"] = decode_body(env.family, plain)
        except ProtocolError as exc:  # authentic, but not readable here: shown as such
            row["error"] = f"{exc.code}: {exc.message}"
        return row

    def _commit(self, burst: _Burst) -> None:
        shown: list[str] = []
        updated: list[tuple[str, str, str]] = []
        alerts: list[SecurityAlert] = []
        now = self._clock()
        with self.store.transaction():
            for m, row in burst.messages:
                self.store.remember(m.envelope, m.data, m.accepted_ms)
                if row["sender"] == self.device.party:  # another console of our party
                    self.store.record_sent_copy(row)
                elif self.store.store_incoming(row, m.data):
                    shown.append(row["id"])
                    self._owe_proof(f"msg:{row['id']}", m.index, m.leaf)
            for delivery, r in burst.receipts:
                rc, mid = r.receipt, id_text(r.receipt.message_id)
                if rc.device == self.device.id:
                    self.store.receipt_sent(mid, rc.rank)
                if self.store.record_receipt(mid, rc.device, rc.rank, rc.at_ms):
                    updated.append((mid, rc.device, rc.kind))
                self._owe_proof(f"rcpt:{delivery}", r.index, r.leaf)
            for delivery, note in burst.notices:
                alerts.append(self._notice(delivery, note))
            for d, exc in burst.refused:
                alerts.append(self._refuse(d, exc, now))
            for delivery, mid, held, again in burst.replays:
                alert = SecurityAlert.of(delivery, "log_replay", id=mid, held=held, again=again)
                log.error("ALERT %s", alert.detail)
                alerts.append(alert)
        if trace.enabled():
            for m, _row in burst.messages:
                trace.point("client_stored", m.envelope.id, self.device.id)
        for mid in shown:
            msg = self.store.get(mid)
            if msg is not None:
                self._emit(MessageReceived(msg))
        for mid, dev, kind in updated:
            self._emit(ReceiptUpdated(mid, dev, kind))
        for a in alerts:
            self._emit(a)

    def _refuse(self, d: Deliver, exc: ProtocolError, now: int) -> SecurityAlert:
        why = refusal(exc)
        log.error("ALERT refused delivery %s (entry %d): %s", d.delivery, d.index, why)
        self.store.refuse_delivery(d.delivery, d.index, exc.code, exc.message, d.entry, now)
        return SecurityAlert.of(d.delivery, "delivery_refused", reason=why)

    def _notice(self, delivery: str, note: LoggedNotice) -> SecurityAlert:
        ev = note.event
        kind = "fork" if ev.type == "fork_proof" else "integrity"
        what = str(ev.extra.get("message") or ev.extra.get("reporter") or ev.type)
        self._owe_proof(f"note:{delivery}", note.index, note.leaf)
        return SecurityAlert.of(delivery, f"log_{kind}", what=what)

    async def _ack(self, ids: list[str]) -> None:
        if not ids:
            return

        def op(c: ClientConnection) -> None:
            for i in range(0, len(ids), ACK_MAX):
                c.ack(ids[i : i + ACK_MAX])

        with contextlib.suppress(NotConnected):  # not acked: delivered again, shown once
            await self._send(op)
