"""HubClient: the one place a device talks to the hub.

It owns the websocket and its reconnects (jittered exponential backoff), the
durable outbox, deduplication, verification and decryption, receipts and acks.
Users get typed events and never see a socket.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
import ssl
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException

from hotline.protocol import (
    MAX_FRAME,
    AuthError,
    Envelope,
    Frame,
    ProtocolError,
    Receipt,
    Roster,
    Session,
    auth_payload,
    decode_body,
    error_for_code,
    id_text,
    open_sealed,
    parse_id_text,
    verify_transition,
)
from hotline.protocol.audit import Checkpoint
from hotline.protocol.merkle import verify_consistency
from hotline.protocol.receipts import RECEIPT_KINDS
from hotline.runtime.backoff import Backoff
from hotline.runtime.clock import now_ms

from .compose import compose, expand_recipients
from .events import (
    ConnectionChanged,
    Event,
    MessageReceived,
    ReceiptUpdated,
    SecurityAlert,
    SendRejected,
    SendResult,
)
from .home import Device, Home
from .rest import Rest
from .store import Composed, Store

__all__ = ["HubClient"]

log = logging.getLogger("hotline.client")
FATAL_CODES = {"auth_failed", "unknown_key", "revoked_key", "expired_key", "wrong_role"}
# Deliveries handled as one burst (one commit, one ack frame). Not the whole window: an
# urgent delivery that arrives during a burst waits for it, so a burst is kept short.
DELIVERY_BURST = 32
URGENT = Frame("urgent", {})  # wakes the worker: an urgent frame is waiting
URGENT_TYPES = ("deliver", "receipt", "accepted")  # what the hub may mark urgent


class HubClient:
    """A device's connection to the hub. Use ``async with HubClient(home, "RS") as c:``."""

    def __init__(
        self,
        home: Home,
        device: str | Device,
        *,
        hub_url: str | None = None,
        ca_cert: Path | None = None,
        heartbeat: float = 10.0,
        auto_receipts: bool = True,
        clock_offset_ms: int = 0,
    ) -> None:
        self.home = home
        self.device = device if isinstance(device, Device) else home.device(device)
        self.hub_url = hub_url or home.hub_url
        self.ca_cert = ca_cert or home.ca_cert
        self.heartbeat = heartbeat
        self.auto_receipts = auto_receipts
        self.clock_offset_ms = clock_offset_ms  # only for tests of a skewed sender
        self.store = Store(self.device.directory / "store.sqlite")
        self.roster = self._load_roster()
        self.state = "offline"
        self.hub_id = ""
        self.clock_skew_ms = 0
        self.connected = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._session: Session | None = None
        self._pending: dict[bytes, asyncio.Future[SendResult]] = {}
        self._status: dict[bytes, asyncio.Future[dict[str, Any]]] = {}
        self._subscribers: list[asyncio.Queue[Event]] = []
        self._closing = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._send_lock = asyncio.Lock()
        self._progress = asyncio.Event()  # set on every accepted / rejected / connect
        self._retries: set[asyncio.Task[None]] = set()
        self._to_queue: list[tuple[Callable[[int], Composed], asyncio.Future[Composed]]] = []
        self.last_error: ProtocolError | None = None

    # -- lifecycle ---------------------------------------------------------------
    def _now(self) -> int:
        return now_ms() + self.clock_offset_ms

    def _load_roster(self) -> Roster:
        roster = self.home.roster(now_ms())
        for data in self.store.rosters():
            with contextlib.suppress(ProtocolError):
                newer = Roster.decode(data)
                if newer.version == roster.version + 1:
                    verify_transition(roster, newer, now_ms())
                    roster = newer
        return roster

    async def start(self) -> HubClient:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"hubclient:{self.device.id}")
        return self

    async def close(self) -> None:
        self._closing.set()
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        self._set_state("closed")
        self.store.close()

    async def __aenter__(self) -> HubClient:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def wait_connected(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self.connected.wait(), timeout)
            return True
        except TimeoutError:
            return False

    # -- events ------------------------------------------------------------------
    async def events(self) -> AsyncIterator[Event]:
        """Every event from now on, in order."""
        q: asyncio.Queue[Event] = asyncio.Queue()
        self._subscribers.append(q)
        try:
            while True:
                yield await q.get()
        finally:
            self._subscribers.remove(q)

    def subscribe(self) -> asyncio.Queue[Event]:
        q: asyncio.Queue[Event] = asyncio.Queue()
        self._subscribers.append(q)
        return q

    def _emit(self, ev: Event) -> None:
        for q in self._subscribers:
            q.put_nowait(ev)

    def _set_state(self, state: str, detail: str = "") -> None:
        if state != self.state:
            self.state = state
            self._emit(ConnectionChanged(state, detail))

    # -- the connection loop ----------------------------------------------------------
    async def _run(self) -> None:
        backoff = Backoff(0.2, 10.0)
        while not self._closing.is_set():
            self._set_state("connecting" if self.state == "offline" else "reconnecting")
            try:
                await self._connect_once()
                backoff.reset()
            except AuthError as exc:
                self.last_error = exc
                self._set_state("refused", exc.message)
                backoff.hold(10.0)
            except (OSError, WebSocketException, TimeoutError, ProtocolError) as exc:
                self.last_error = exc if isinstance(exc, ProtocolError) else None
                log.info("%s: connection lost (%s)", self.device.id, type(exc).__name__)
            finally:
                self._ws = None
                self._session = None
                self.connected.clear()
            if self._closing.is_set():
                return
            if self.state != "refused":
                self._set_state("reconnecting")
            await backoff.wait(self._closing)

    def _ssl(self) -> ssl.SSLContext | None:
        if not self.hub_url.startswith("wss://"):
            return None
        ctx = ssl.create_default_context(cafile=str(self.ca_cert) if self.ca_cert else None)
        return ctx

    async def _connect_once(self) -> None:
        async with connect(
            self.hub_url,
            ssl=self._ssl(),
            max_size=MAX_FRAME,
            ping_interval=self.heartbeat,
            ping_timeout=self.heartbeat,
            open_timeout=10,
            close_timeout=2,
            compression=None,
        ) as ws:
            session = Session("client", now_ms())
            await self._handshake(ws, session)
            self._ws, self._session = ws, session
            self.connected.set()
            self._progress.set()
            self._set_state("connected", self.hub_id)
            flusher = asyncio.create_task(self._flush_outboxes())
            # The reader only parses; one worker handles frames in order. While the worker
            # commits a burst, the reader queues what follows, and the worker takes the
            # queued deliveries as the next burst (one commit, one ack frame).
            frames: asyncio.Queue[Frame | None] = asyncio.Queue()
            urgent: collections.deque[Frame] = collections.deque()
            reader = asyncio.create_task(self._read(ws, session, frames, urgent))
            worker = asyncio.create_task(self._process(frames, urgent))
            try:
                await asyncio.wait({reader, worker}, return_when=asyncio.FIRST_COMPLETED)
                if reader.done() and not worker.done():
                    # Connection over: finish what was already read (answers, deliveries).
                    frames.put_nowait(None)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(asyncio.shield(worker), 5)
                for t in (worker, reader):
                    if t.done() and not t.cancelled() and (exc := t.exception()) is not None:
                        raise exc
            finally:
                for t in (flusher, reader, worker):
                    t.cancel()
                for t in (flusher, reader, worker):
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await t

    async def _read(
        self,
        ws: ClientConnection,
        session: Session,
        frames: asyncio.Queue[Frame | None],
        urgent: collections.deque[Frame],
    ) -> None:
        async for data in ws:
            if not isinstance(data, bytes):
                continue
            try:
                session.receive_data(data)
            except ProtocolError as exc:
                if session.state == "closed":
                    raise
                log.warning("bad frame from hub: %s", exc.message)
                continue
            for frame in session.events_received():
                if frame.fields.get("urgent") is True and frame.type in URGENT_TYPES:
                    # handled before anything routine already queued (IMMEDIATE / FLASH)
                    urgent.append(frame)
                    frames.put_nowait(URGENT)
                else:
                    frames.put_nowait(frame)  # bounded by the hub's delivery window

    async def _process(
        self, frames: asyncio.Queue[Frame | None], urgent: collections.deque[Frame]
    ) -> None:
        # Frames taken off the queue but not handled yet (the one that ended a burst, or
        # the rest of a burst an urgent frame preempted): they go first, in order.
        held: collections.deque[Frame | None] = collections.deque()

        def take() -> Frame | None:
            return held.popleft() if held else frames.get_nowait()

        while True:
            if urgent:
                await self._process_urgent(urgent)
                continue
            frame = held.popleft() if held else await frames.get()
            if frame is None:
                return
            if frame is URGENT:
                continue  # taken from the urgent queue at the top of the loop
            if frame.type not in ("deliver", "accepted"):
                await self._on_frame(frame)
                continue
            burst = [frame]
            while len(burst) < DELIVERY_BURST and (held or not frames.empty()) and not urgent:
                nxt = take()
                if nxt is URGENT:
                    break
                if nxt is None or nxt.type != frame.type:
                    held.appendleft(nxt)
                    break
                burst.append(nxt)
            if frame.type == "deliver":
                rest = await self._on_deliveries(
                    [(f["delivery"], f["envelope"]) for f in burst], lambda: bool(urgent)
                )
                # preempted by an urgent frame: the rest goes first after it, in order
                held.extendleft(reversed(burst[len(burst) - len(rest) :]))
            else:  # answers to our sends: one commit for the lot
                with self.store.transaction():
                    for f in burst:
                        self._on_accepted(f["id"], f["position"], f["duplicate"])

    async def _process_urgent(self, urgent: collections.deque[Frame]) -> None:
        deliveries = []
        while urgent:
            frame = urgent.popleft()
            if frame.type == "deliver":
                deliveries.append((frame["delivery"], frame["envelope"]))
            else:
                await self._on_frame(frame)
        if deliveries:
            await self._on_deliveries(deliveries)

    async def _recv_frame(self, ws: ClientConnection, session: Session) -> Frame:
        remaining = (session.deadline() or now_ms() + 10_000) - now_ms()
        data = await asyncio.wait_for(ws.recv(), max(0.1, remaining / 1000))
        if not isinstance(data, bytes):
            raise AuthError("hub sent a text frame during the handshake")
        session.receive_data(data)
        (frame,) = session.events_received()
        if frame.type == "error":
            raise error_for_code(frame["code"], frame["message"])
        return frame

    async def _handshake(self, ws: ClientConnection, session: Session) -> None:
        ch = await self._recv_frame(ws, session)
        self.hub_id = ch["hub"]
        self.clock_skew_ms = now_ms() - int(ch["at_ms"])
        at = self._now()
        sig = self.device.sign.sign(
            auth_payload(ch["hub"], ch["conn"], ch["nonce"], self.device.id, at)
        )
        await ws.send(
            session.send(
                "auth",
                device=self.device.id,
                at_ms=at,
                signature=sig,
                roster_version=self.roster.version,
            )
        )
        session.data_to_send()
        try:
            await self._recv_frame(ws, session)
        except ProtocolError as exc:
            if exc.code in FATAL_CODES or isinstance(exc, AuthError):
                raise AuthError(f"the hub refused {self.device.id}: {exc.message}") from exc
            raise

    async def _frame(self, ftype: str, **fields: Any) -> None:
        ws, session = self._ws, self._session
        if ws is None or session is None:
            raise ConnectionError("not connected")
        async with self._send_lock:
            data = session.send(ftype, **fields)
            session.data_to_send()
            await ws.send(data)

    async def _flush_outboxes(self) -> None:
        """Resend everything not yet accepted, in order (the hub's idempotency makes it safe)."""
        with contextlib.suppress(ConnectionError, WebSocketException, OSError):
            for _mid, _rank, data in self.store.receipt_outbox():
                await self._frame("receipt", receipt=data)
            for _mid, env in self.store.outbox():
                await self._frame("submit", envelope=env)

    # -- incoming ------------------------------------------------------------------
    async def _on_frame(self, frame: Frame) -> None:
        f = frame.fields
        if frame.type == "accepted":
            self._on_accepted(f["id"], f["position"], f["duplicate"])
        elif frame.type == "deliver":
            await self._on_deliver(f["delivery"], f["envelope"])
        elif frame.type == "receipt":
            await self._on_receipt(f["receipt"], f.get("delivery"))
        elif frame.type == "status_result":
            fut = self._status.pop(f["id"], None)
            if fut and not fut.done():
                fut.set_result(f["recipients"])
        elif frame.type == "roster":
            self._on_roster(f["roster"])
        elif frame.type == "checkpoint":
            await self.check_checkpoint(f["checkpoint"])
        elif frame.type == "error":
            await self._on_error(f)

    def _on_accepted(self, mid: bytes, position: str, duplicate: bool) -> None:
        self.store.accepted(id_text(mid), position)
        self._progress.set()
        fut = self._pending.pop(mid, None)
        if fut and not fut.done():
            fut.set_result(
                SendResult(id_text(mid), "duplicate" if duplicate else "accepted", position)
            )

    async def _on_error(self, f: dict[str, Any]) -> None:
        ref = f.get("ref")
        code, message = f["code"], f["message"]
        if code == "unavailable" and not isinstance(ref, bytes):
            # a receipt or ack the hub could not store: resend what is outstanding soon
            task = asyncio.create_task(self._reflush_later())
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)
            return
        if not isinstance(ref, bytes):
            log.warning("hub error: %s %s", code, message)
            return
        if code == "unavailable":
            # Stays in the outbox; try again shortly (the connection itself is fine).
            task = asyncio.create_task(self._retry_later(ref))
            self._retries.add(task)
            task.add_done_callback(self._retries.discard)
            return
        mid = id_text(ref)
        self._progress.set()
        self.store.rejected(mid, f"{code}: {message}")
        self._emit(SendRejected(mid, code, message))
        fut = self._pending.pop(ref, None)
        if fut and not fut.done():
            fut.set_result(SendResult(mid, "rejected", code=code, message=message))
        sfut = self._status.pop(ref, None)
        if sfut and not sfut.done():
            sfut.set_exception(error_for_code(code, message))

    async def _reflush_later(self) -> None:
        await asyncio.sleep(0.2 + random.random() * 0.8)
        await self._flush_outboxes()

    async def _retry_later(self, ref: bytes) -> None:
        await asyncio.sleep(0.2 + random.random() * 0.8)
        for mid_text, data in self.store.outbox():
            if mid_text == id_text(ref):
                with contextlib.suppress(ConnectionError, WebSocketException, OSError):
                    await self._frame("submit", envelope=data)

    def _open(
        self, data: bytes, env: Envelope | None = None
    ) -> tuple[dict[str, Any], Envelope | None]:
        """Decode, verify against the roster and decrypt; errors become row fields."""
        if env is None:
            env = Envelope.decode(data)
        row: dict[str, Any] = {
            "id": id_text(env.id),
            "sender": env.sender,
            "device": env.device,
            "family": env.family,
            "precedence": env.precedence,
            "exercise": env.exercise,
            "created_ms": env.created_ms,
            "received_ms": now_ms(),
            "body": {},
            "recipients": list(env.recipients),
            "in_reply_to": id_text(env.in_reply_to) if env.in_reply_to else None,
            "supersedes": id_text(env.supersedes) if env.supersedes else None,
            "verified": False,
            "error": None,
            "seq": env.seq,
        }
        try:
            dev = self.roster.get(env.device)
            if dev is None:
                raise error_for_code("unknown_key", f"{env.device} is not in the roster")
            env.verify(dev.verify_key)
            row["verified"] = True
            assert self.device.enc is not None
            body = open_sealed(env.ciphertext, env.header_digest(), self.device.id, self.device.enc)
            row["body"] = decode_body(env.family, body)
        except ProtocolError as exc:
            row["error"] = f"{exc.code}: {exc.message}"
        return row, env

    async def _on_deliver(self, delivery: str, data: bytes) -> None:
        await self._on_deliveries([(delivery, data)])

    async def _on_deliveries(
        self,
        items: list[tuple[str, bytes]],
        preempt: Callable[[], bool] | None = None,
    ) -> list[tuple[str, bytes]]:
        """Store a burst of deliveries in one commit; only then show, receipt and ack them.

        Nothing is acknowledged to the hub before it is on disk here, so a crash at any
        point means a redelivery, and the inbox's dedupe by id shows it once.

        The cryptography (verify, decrypt) runs first, one message at a time, yielding to
        the event loop between messages; when ``preempt()`` turns true (an urgent frame
        arrived) the rest of the burst is returned unhandled, for later. The commit
        itself never yields: nothing else may join its transaction.
        """
        opened: list[tuple[str, bytes, dict[str, Any]]] = []
        rest: list[tuple[str, bytes]] = []
        handled: list[str] = []
        for n, (delivery, data) in enumerate(items):
            if n and preempt is not None:
                await asyncio.sleep(0)  # let the reader see what has arrived meanwhile
                if preempt():
                    rest = items[n:]
                    break
            handled.append(delivery)
            try:
                env = Envelope.decode(data)
            except ProtocolError as exc:
                self._emit(SecurityAlert(delivery, f"undecodable delivery: {exc.message}"))
                continue
            if env.device == self.device.id and self.store.has_sent(id_text(env.id)):
                # This device's own message coming back (inboxes carry the sender's
                # party too, for its other consoles): already in the sent list.
                continue
            row, _env = self._open(data, env)
            if not row["verified"]:
                self._emit(SecurityAlert(row["id"], row["error"] or "not verified"))
            opened.append((delivery, data, row))
        shown: list[str] = []
        receipts: list[str] = []
        with self.store.transaction():
            for delivery, data, row in opened:
                mine = row["sender"] == self.device.party
                if mine:
                    if row["verified"]:
                        # the delivery id is the log position: inboxes reuse the log's ids
                        self.store.record_sent_copy(row | {"position": delivery})
                elif self.store.store_incoming(row, data):
                    shown.append(row["id"])
                if (
                    row["verified"]
                    and not mine
                    and self.auto_receipts
                    and self.store.set_my_rank(row["id"], 0)
                ):
                    receipts.append(row["id"])
        for mid in shown:
            msg = self.store.get(mid)
            if msg is not None:
                self._emit(MessageReceived(msg))
        for mid in receipts:
            await self._send_receipt(mid, "delivered")
        ids = handled
        with contextlib.suppress(ConnectionError, WebSocketException, OSError):
            for i in range(0, len(ids), 1000):  # the hub takes up to 1000 per frame
                await self._frame("ack", deliveries=ids[i : i + 1000])
        return rest

    async def _on_receipt(self, data: bytes, delivery: Any) -> None:
        try:
            rcpt = Receipt.decode(data)
            dev = self.roster.get(rcpt.device)
            if dev is None:
                raise error_for_code("unknown_key", f"{rcpt.device} is not in the roster")
            rcpt.verify(dev.verify_key)
            if rcpt.device == self.device.id:
                self.store.receipt_sent(id_text(rcpt.message_id), rcpt.rank)
            if self.store.record_receipt(
                id_text(rcpt.message_id), rcpt.device, rcpt.rank, rcpt.at_ms
            ):
                self._emit(ReceiptUpdated(id_text(rcpt.message_id), rcpt.device, rcpt.kind))
        except ProtocolError as exc:
            self._emit(SecurityAlert(str(delivery), f"bad receipt: {exc.message}"))
        if isinstance(delivery, str):
            await self._ack(delivery)

    def _on_roster(self, data: bytes) -> None:
        try:
            new = Roster.decode(data)
            if new.version <= self.roster.version:
                return
            verify_transition(self.roster, new, now_ms())
        except ProtocolError as exc:
            self._emit(SecurityAlert("roster", f"refused roster from hub: {exc.message}"))
            return
        self.store.save_roster(new.version, data)
        self.roster = new

    def rest(self) -> Rest:
        return Rest(self.hub_url, self.device, self.hub_id or "HUB/hub-1", self.ca_cert)

    async def check_checkpoint(self, data: bytes) -> bool:
        """Verify a hub checkpoint and its consistency with the last one we kept.

        A hub that rewrote or truncated history, or shows two histories to two
        parties, fails here: the alert names both checkpoints.
        """
        try:
            cp = Checkpoint.decode(data)
            cp.verify(self.roster)
        except ProtocolError as exc:
            self._emit(SecurityAlert("checkpoint", f"bad checkpoint from hub: {exc.message}"))
            return False
        stored = [Checkpoint.decode(x) for x in self.store.checkpoints()]
        older = [c for c in stored if c.size <= cp.size]
        prev = older[-1] if older else None
        ok = True
        if prev is not None and prev.size == cp.size:
            ok = prev.root == cp.root
        elif prev is not None:
            try:
                proof = await self.rest().msgpack(
                    "GET", "/v1/log/consistency", params={"from": prev.size, "to": cp.size}
                )
                ok = isinstance(proof, list) and verify_consistency(
                    prev.size, cp.size, prev.root, cp.root, proof
                )
            except (ProtocolError, OSError, aiohttp.ClientError):
                ok = False
        if not ok:
            assert prev is not None
            self._emit(
                SecurityAlert(
                    "checkpoint",
                    f"forked history: the hub's checkpoint of "
                    f"{cp.size} entries is not consistent with the one of "
                    f"{prev.size} entries this device kept",
                )
            )
            return False
        self.store.save_checkpoint(cp.size, cp.encode(light=True))
        return True

    async def _ack(self, delivery: str) -> None:
        with contextlib.suppress(ConnectionError, WebSocketException, OSError):
            await self._frame("ack", deliveries=[delivery])

    # -- outgoing --------------------------------------------------------------------
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
        """Compose, write to the outbox, send, and wait up to ``timeout`` for "accepted".

        Returns status ``accepted``/``duplicate``, ``rejected`` (with the hub's code), or
        ``queued`` (the hub did not answer in time; the outbox keeps it and retries).
        """
        recipients = expand_recipients(to, self.roster, self.device.party)
        t = self._now()

        def build(seq: int) -> Composed:
            env, clean = compose(
                self.device,
                self.roster,
                recipients=recipients,
                family=family,
                body=body,
                seq=seq,
                now_ms=t,
                precedence=precedence,
                exercise=exercise,
                in_reply_to=parse_id_text(in_reply_to) if in_reply_to else None,
                supersedes=parse_id_text(supersedes) if supersedes else None,
            )
            sent = {
                "family": family,
                "recipients": recipients,
                "precedence": env.precedence,
                "exercise": exercise,
                "body": clean,
                "in_reply_to": in_reply_to,
            }
            return Composed(id_text(env.id), env.encode(), t, sent, env.id)

        # the sequence number, the outbox row and the sent row: one durable write
        built = await self._queue(build)
        return await self._submit(built.id, built.envelope, timeout)

    async def _queue(self, build: Callable[[int], Composed]) -> Composed:
        """Write a message to the outbox; sends made in the same loop turn share a commit.

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
        except Exception as exc:  # the commit failed: none of them is queued
            for _b, fut in batch:
                fut.set_exception(exc)
            return
        for (_b, fut), res in zip(batch, results, strict=True):
            if isinstance(res, Exception):
                fut.set_exception(res)
            else:
                fut.set_result(res)

    async def _submit(self, mid: bytes, data: bytes, timeout: float) -> SendResult:
        fut: asyncio.Future[SendResult] = asyncio.get_running_loop().create_future()
        self._pending[mid] = fut
        with contextlib.suppress(ConnectionError, WebSocketException, OSError):
            await self._frame("submit", envelope=data)
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            return SendResult(id_text(mid), "queued")

    async def flush(self, timeout: float) -> int:
        """Wait until the outbox is empty (or ``timeout``); returns what is left."""
        deadline = time.monotonic() + timeout
        while self.store.outbox_count() and time.monotonic() < deadline:
            self._progress.clear()
            if self.connected.is_set():
                await self._flush_outboxes()
            remaining = deadline - time.monotonic()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), max(0.01, min(1.0, remaining)))
        return self.store.outbox_count()

    async def _send_receipt(self, mid: str, kind: str) -> None:
        rank = RECEIPT_KINDS.index(kind)
        rcpt = Receipt(1, parse_id_text(mid), self.device.id, kind, now_ms()).signed(
            self.device.sign
        )
        data = rcpt.encode()
        # Kept until the receipt comes back to us through the log (routed to the
        # signer's party too): only then is it known to be recorded.
        self.store.queue_receipt(mid, rank, data)
        with contextlib.suppress(ConnectionError, WebSocketException, OSError):
            await self._frame("receipt", receipt=data)

    async def mark_read(self, mid: str) -> None:
        """An officer opened the message: a signed "read" receipt."""
        if self.store.set_my_rank(mid, 1):
            await self._send_receipt(mid, "read")

    async def acknowledge(self, mid: str) -> None:
        """The officer's signed acknowledgement that the party has taken note."""
        self.store.set_my_rank(mid, 2)
        await self._send_receipt(mid, "acknowledged")

    async def ack(self, delivery: str) -> None:
        """Acknowledge a delivery by hand (normally automatic once stored)."""
        await self._ack(delivery)

    async def request_clarification(
        self, mid: str, question: str, lang: str = "en", *, timeout: float = 10.0
    ) -> SendResult:
        """Ask the sender of ``mid`` to explain (reply deadline per policy)."""
        msg = self.store.get(mid)
        if msg is None:
            raise error_for_code("unknown_recipient", f"no message {mid} in the inbox")
        return await self.send(
            [msg.sender],
            "clarification_request",
            {"question": question, "lang": lang},
            in_reply_to=mid,
            timeout=timeout,
        )

    async def status(self, mid: str, timeout: float = 10.0) -> dict[str, Any]:
        """Per-recipient delivered / read / acknowledged, from the hub."""
        key = parse_id_text(mid)
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._status[key] = fut
        await self._frame("status", id=key)
        return await asyncio.wait_for(fut, timeout)
