"""Outgoing: messages and receipts are durable before they are sent, and every answer lands.

A message is written to the outbox (with its sequence number and its sent row, one
commit) before its ``submit`` goes out; the hub's ``accepted`` removes it. A refusal —
an ``error`` whose ``ref`` is the message id and whose code is not transient — moves it
out of the outbox into the ``refused`` state with the code and the fix: it is never
resent (it would be refused, and audited, again). A transient error (``unavailable``,
``rate_limited``, …) keeps it and resends it after a jittered delay. Receipts work the
same way in the receipt outbox, until their entry comes back through the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from hotline.protocol import Receipt, id_text, parse_id_text
from hotline.protocol.connection import ClientConnection
from hotline.protocol.errors import ProtocolError
from hotline.protocol.frames import Accepted, Error
from hotline.protocol.receipts import RECEIPT_KINDS
from hotline.runtime import trace
from hotline.runtime.backoff import jittered

from .compose import compose, expand_recipients
from .events import Event, SendRejected, SendResult
from .home import Device
from .link import NotConnected
from .rosters import RosterBook
from .store import Composed, Store

__all__ = ["Outbox"]

log = logging.getLogger("hotline.client.outbox")
Send = Callable[[Callable[[ClientConnection], None]], Awaitable[None]]


class Outbox:
    """See the module docstring."""

    def __init__(
        self,
        *,
        device: Device,
        store: Store,
        rosters: RosterBook,
        send: Send,
        emit: Callable[[Event], None],
        clock: Callable[[], int],
    ) -> None:
        self.device = device
        self.store = store
        self.rosters = rosters
        self._send = send
        self._emit = emit
        self._clock = clock
        self._pending: dict[bytes, asyncio.Future[SendResult]] = {}
        self._to_queue: list[tuple[Callable[[int], Composed], asyncio.Future[Composed]]] = []
        self._retries: set[asyncio.Task[None]] = set()
        self.progress = asyncio.Event()  # set on every answer and every connect

    # -- messages ----------------------------------------------------------------------
    async def send(
        self,
        to: str | list[str],
        family: str,
        body: dict[str, Any],
        *,
        precedence: str | None = None,
        exercise: bool = False,
        in_reply_to: str | None = None,
        supersedes: str | None = None,
        timeout: float = 10.0,
    ) -> SendResult:
        """Compose, write to the outbox, submit, and wait up to ``timeout`` for the answer.

        Returns status ``accepted``/``duplicate``, ``refused`` (with the code and the fix;
        out of the outbox for good), or ``queued`` (no answer in time; kept and resent).
        """
        recipients = expand_recipients(to, self.rosters.current, self.device.party)
        refs = {"in_reply_to": in_reply_to, "supersedes": supersedes}
        build = self._builder(recipients, family, body, precedence, exercise, refs)
        built = await self.queue(build)
        return await self._submit(built.id, built.envelope, timeout)

    def _builder(
        self,
        recipients: tuple[str, ...],
        family: str,
        body: dict[str, Any],
        precedence: str | None,
        exercise: bool,
        refs: dict[str, str | None],
    ) -> Callable[[int], Composed]:
        """What the outbox calls with the next sequence number, inside its commit."""
        roster, t = self.rosters.current, self._clock()

        def build(seq: int) -> Composed:
            env, clean = compose(
                self.device, roster, recipients=recipients, family=family, body=body,
                seq=seq, now_ms=t, precedence=precedence, exercise=exercise,
                **{k: parse_id_text(v) if v else None for k, v in refs.items()},
            )  # fmt: skip
            sent = {
                "family": family,
                "recipients": recipients,
                "precedence": env.precedence,
                "exercise": exercise,
                "body": clean,
                "in_reply_to": refs["in_reply_to"],
            }
            self.store.remember(env, env.encode(), t)  # its own id, for R0 when it comes back
            return Composed(id_text(env.id), env.encode(), t, sent, env.id)

        return build

    async def queue(self, build: Callable[[int], Composed]) -> Composed:
        """Write to the outbox; sends made in the same loop turn share one commit.

        Why: a feed bursting tracks, or a console answering several messages, paid one
        fsync per message. The write happens at the end of the current loop turn, so a
        lone send waits for nothing.
        """
        fut: asyncio.Future[Composed] = asyncio.get_running_loop().create_future()
        self._to_queue.append((build, fut))
        if len(self._to_queue) == 1:
            asyncio.get_running_loop().call_soon(self._write_queued)
        return await fut

    def _write_queued(self) -> None:
        # a send cancelled before its turn is not written (its caller was told nothing)
        batch = [(b, f) for b, f in self._to_queue if not f.done()]
        self._to_queue = []
        try:
            results = self.store.queue_many([b for b, _ in batch])
        except Exception as exc:  # the commit failed: none of them is queued, each is told
            for _b, fut in batch:
                fut.set_exception(exc)
            return
        for (_b, fut), res in zip(batch, results, strict=True):
            if isinstance(res, Exception):
                fut.set_exception(res)
            else:
                fut.set_result(res)

    async def _submit(self, mid: bytes, data: bytes, timeout: float) -> SendResult:
        fut = self._pending.get(mid) or asyncio.get_running_loop().create_future()
        self._pending[mid] = fut
        await self._try_send(lambda c: c.submit(mid, data))
        trace.point("client_submit", mid)
        try:
            async with asyncio.timeout(timeout):
                return await asyncio.shield(fut)
        except TimeoutError:
            return SendResult(id_text(mid), "queued")

    async def _try_send(self, op: Callable[[ClientConnection], None]) -> bool:
        try:
            await self._send(op)
            return True
        except NotConnected:
            return False  # kept in the outbox: the next connection sends it

    async def flush(self) -> None:
        """Resend everything not yet answered, in order (the hub's idempotency makes it safe)."""
        receipts = self.store.receipt_outbox()
        messages = self.store.outbox()
        if not receipts and not messages:
            return

        def op(c: ClientConnection) -> None:
            for _mid, _rank, data in receipts:
                c.receipt(data)
            for mid, env in messages:
                c.submit(parse_id_text(mid), env)

        await self._try_send(op)

    # -- answers -------------------------------------------------------------------------
    def on_accepted(self, answers: list[Accepted]) -> None:
        """The hub's "accepted" answers: one commit for the lot, then the callers."""
        with self.store.transaction():
            for a in answers:
                self.store.accepted(id_text(a.id), a.position)
        self.progress.set()
        for a in answers:
            fut = self._pending.pop(a.id, None)
            if fut is not None and not fut.done():
                status = "duplicate" if a.duplicate else "accepted"
                fut.set_result(SendResult(id_text(a.id), status, a.position))

    def on_error(self, err: Error) -> bool:
        """An error about a submit or a receipt; False if it concerns neither."""
        ref = err.ref
        if ref is None:
            if err.error().transient:  # a receipt or ack the hub could not store now
                self._later(self.flush)
                return True
            return False
        mid = id_text(ref)
        if ref in self._pending or self.store.in_outbox(mid):
            self._answer_submit(mid, ref, err)
            return True
        if err.error().transient:
            self._later(self.flush)
            return True
        if self.store.drop_receipts(mid):
            # a receipt the hub will never take (say, from a device that may not sign one):
            # resending it on every connection would only be refused and audited again
            log.warning("the hub refused a receipt for %s: %s", mid, err.message)
            return True
        return False

    def _answer_submit(self, mid: str, ref: bytes, err: Error) -> None:
        exc = err.error()
        if exc.transient:
            # nothing was promised; it stays in the outbox and goes again shortly
            self._later(lambda: self._resubmit(mid))
            return
        self.progress.set()
        reason = _reason(exc)
        self.store.refused(mid, reason)
        self._emit(SendRejected(mid, exc.code, reason))
        fut = self._pending.pop(ref, None)
        if fut is not None and not fut.done():
            fut.set_result(SendResult(mid, "refused", code=exc.code, message=reason))

    async def _resubmit(self, mid: str) -> None:
        for m, data in self.store.outbox():
            if m == mid:
                await self._try_send(lambda c, d=data: c.submit(parse_id_text(mid), d))

    def _later(self, job: Callable[[], Awaitable[None]]) -> None:
        async def run() -> None:
            await asyncio.sleep(jittered(0.5))
            await job()

        task = asyncio.create_task(run(), name=f"retry:{self.device.id}")
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    # -- receipts --------------------------------------------------------------------------
    async def receipt(self, mid: str, kind: str, urgent: bool = False) -> None:
        """Sign and send a receipt; kept until it comes back through the log."""
        rank = RECEIPT_KINDS.index(kind)
        rc = Receipt(1, parse_id_text(mid), self.device.id, kind, self._clock())
        data = rc.signed(self.device.sign).encode()
        self.store.queue_receipt(mid, rank, data)
        await self._try_send(lambda c: c.receipt(data, urgent))

    def cancel_retries(self) -> None:
        for t in list(self._retries):
            t.cancel()


def _reason(exc: ProtocolError) -> str:
    """The refusal as the officer reads it: the code and the hub's one-line message."""
    return f"{exc.code}: {exc.message}"
