"""One device's requests, handled in order by one worker per connection.

Submits already waiting behind each other go to Redis together (one round trip, one
fsync), still in the device's order, each with its own answer naming its id. Proof
requests are answered from the hub's stored tree and rate-limited per device
(``server.limits``, the budget REST proofs share). An
unexpected failure is logged here and answered ``internal_error`` (never an exception
name); the connection goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Final

from aiohttp import web

from hotline.protocol import ProtocolError
from hotline.protocol.connection import HubConnection
from hotline.protocol.errors import InternalError, StateError
from hotline.protocol.frames import (
    Ack,
    Consistency,
    Cosign,
    ForkProof,
    Frame,
    Prove,
    ReceiptSubmit,
    Status,
    Submit,
)
from hotline.protocol.receipts import Receipt
from hotline.runtime import trace
from hotline.runtime.clock import now_ms

from .appkeys import INTAKE, LOG_TREE, METRICS, PROOF_LIMITS, SIGNER, STREAMS, WITNESSES
from .delivery import DeliveryPump
from .streams import InboxEntry

__all__ = ["DeviceRequests"]

log = logging.getLogger("hotline.hub.requests")
SUBMIT_BURST: Final = 64  # the request queue's size: a device's whole backlog at most


class DeviceRequests:
    def __init__(self, app: web.Application, conn: HubConnection, kick: Callable[[], None]) -> None:
        assert conn.device is not None
        self.app = app
        self.conn = conn
        self.device = conn.device
        self.kick = kick
        self.streams = app[STREAMS]
        self.intake = app[INTAKE]
        self.metrics = app[METRICS]
        self.pump: DeliveryPump | None = None
        self._proofs = app[PROOF_LIMITS]  # shared with REST and the device's other sessions

    async def run(self, queue: asyncio.Queue[Frame | None]) -> None:
        held: list[Frame | None] = []
        while True:
            item = held.pop() if held else await queue.get()
            if item is None:
                return
            if isinstance(item, Submit):
                burst = [item]
                while len(burst) < SUBMIT_BURST and not queue.empty():
                    nxt = queue.get_nowait()
                    if not isinstance(nxt, Submit):
                        held.append(nxt)
                        break
                    burst.append(nxt)
                await self._guarded(self._submits, burst)
            else:
                await self._guarded(self._one, item)
            self.kick()

    async def _guarded(self, fn: Callable[..., object], arg: object) -> None:
        try:
            await fn(arg)  # type: ignore[misc]
        except StateError:
            # the session ended while this request ran (the device left, or was revoked):
            # the work is done, its answer has nowhere to go
            return
        except ProtocolError as exc:
            self._refuse_all(exc, arg)
        except Exception:  # a bug: logged here; the device gets a code, never internals
            log.exception("internal error handling a request from %s", self.device.id)
            self.metrics.inc("hotline_internal_errors_total")
            self._refuse_all(InternalError("internal error on the hub: retry later"), arg)

    def _refuse_all(self, exc: ProtocolError, arg: object) -> None:
        # a burst of submits that failed as a whole (Redis away): each gets its own answer
        if self.conn.state != "open":
            return
        items = arg if isinstance(arg, list) else [arg]
        for item in items:
            self.conn.refuse(exc, _ref(item))

    async def _submits(self, burst: list[Submit]) -> None:
        if trace.enabled():  # taken off the request queue: decoded, queue wait included
            for s in burst:
                trace.point("hub_receive", s.id)
        results = await self.intake.submit_many(
            [(s.id, s.envelope) for s in burst], self.device, now_ms()
        )
        for s, res in zip(burst, results, strict=True):
            if isinstance(res, ProtocolError):
                self.conn.refuse(res, s.id)
            else:
                # a FLASH sender's "accepted" does not wait behind routine deliveries
                self.conn.accepted(res.id, res.position, res.duplicate, res.urgent)

    async def _one(self, frame: Frame) -> None:
        if isinstance(frame, Ack):
            if self.pump is not None:
                self.pump.acked(list(frame.deliveries))  # its ack task XACKs (and retries)
        elif isinstance(frame, ReceiptSubmit):
            try:
                await self.intake.receipt(frame.receipt, self.device, now_ms())
            except ProtocolError as exc:
                self.conn.refuse(exc, _receipt_ref(frame.receipt))
        elif isinstance(frame, Status):
            res = await self.intake.status(frame.id, self.device)
            self.conn.status_result(frame.id, res["recipients"])
        elif isinstance(frame, Cosign):
            await self.app[WITNESSES].add(frame.cosignature, self.device.id)
        elif isinstance(frame, Prove | Consistency):
            self._prove(frame)
        elif isinstance(frame, ForkProof):
            await self.app[WITNESSES].fork_proof(frame, self.device.id, self.app[SIGNER])

    def _prove(self, frame: Prove | Consistency) -> None:
        self._proofs.take(self.device.id, now_ms())
        tree = self.app[LOG_TREE]
        if isinstance(frame, Prove):
            paths = [(i, tree.inclusion(i, frame.size)) for i in frame.indexes]
            self.conn.proofs(frame.size, paths)
        else:
            proof = tree.consistency(frame.first, frame.second)
            self.conn.consistency_proof(frame.first, frame.second, proof)

    async def dead_letter(self, e: InboxEntry) -> None:
        event = self.app[SIGNER].event(
            "dead_letter", now_ms(), device=self.device.id, entry=e.id, mid=e.mid
        )
        try:
            await self.streams.log.append_event("dead_letter", event, mid=e.mid)
        except ProtocolError as exc:  # the log is away; the pump already alerted
            log.warning("dead letter of %s not logged: %s", e.id, exc.message)

    async def flush_acks(self, pump: DeliveryPump) -> None:
        """The last acks of a closing connection, rather than a redelivery next time."""
        try:
            await pump.flush_acks()
        except ProtocolError as exc:
            log.info("last acks of %s left for redelivery: %s", self.device.id, exc.message)


def _ref(arg: object) -> bytes | None:
    if isinstance(arg, Submit | Status):
        return arg.id
    if isinstance(arg, ReceiptSubmit):
        return _receipt_ref(arg.receipt)
    return None


def _receipt_ref(data: bytes) -> bytes | None:
    try:
        return Receipt.decode(data).message_id
    except ProtocolError:
        return None
