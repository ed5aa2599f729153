"""The websocket endpoint: one Connection per socket, driving the sans-I/O Session."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from hotline.protocol import (
    MAX_FRAME,
    AuthError,
    ClockSkew,
    Frame,
    ProtocolError,
    RosterDevice,
    Session,
    StateError,
    auth_payload,
)
from hotline.protocol.audit import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.runtime.clock import now_ms
from hotline.runtime.supervise import Supervised

from .appkeys import (
    INTAKE,
    METRICS,
    REGISTRY,
    ROSTER,
    SETTINGS,
    SOCKETS,
    STREAMS,
    SUPERVISOR,
)
from .delivery import DeliveryPump
from .lane_queue import LaneQueue
from .streams import InboxEntry

__all__ = ["Connection", "websocket_handler"]

log = logging.getLogger("hotline.hub.ws")
RECEIVING = ("officer", "feed", "auditor", "observer")
SUBMIT_BURST = 64  # the request queue's size: a device's whole backlog at most


class Connection:
    """One authenticated device's socket: a reader loop, one writer task, one pump."""

    def __init__(self, app: web.Application, ws: web.WebSocketResponse) -> None:
        self.settings = app[SETTINGS]
        self.metrics = app[METRICS]
        self.registry = app[REGISTRY]
        self.roster = app[ROSTER]
        self.streams = app[STREAMS]
        self.intake = app[INTAKE]
        self.supervisor = app[SUPERVISOR]
        self.ws = ws
        self.session = Session("hub", now_ms())
        self.device: RosterDevice | None = None
        self.device_id = ""
        self.party = ""
        # Replies to the client's own requests; bounded so a client that never
        # reads blocks only its own reader.
        self.out = LaneQueue(self.settings.send_queue)
        self.pump: DeliveryPump | None = None
        self.requests: asyncio.Queue[tuple[str, dict[str, Any]] | None] = asyncio.Queue(maxsize=64)
        self.draining = False

    def wake(self) -> None:
        if self.pump:
            self.pump.wake()

    async def run(self) -> None:
        conn_id, nonce = os.urandom(16), os.urandom(32)
        hub_id = self.settings.device
        await self.ws.send_bytes(
            self.session.send("challenge", hub=hub_id, conn=conn_id, nonce=nonce, at_ms=now_ms())
        )
        self.session.data_to_send()
        try:
            await self._authenticate(hub_id, conn_id, nonce)
        except ProtocolError as exc:
            await self._fatal(exc)
            return
        assert self.device is not None
        writer = asyncio.create_task(self._writer(), name=f"writer:{self.device_id}")
        worker = asyncio.create_task(self._worker(), name=f"worker:{self.device_id}")
        pumps: list[Supervised] = []
        if self.device.role in RECEIVING:
            s = self.settings
            self.pump = DeliveryPump(
                self.streams,
                self.party,
                self.device_id,
                self._send_entry,
                window=s.send_queue,
                idle_ms=s.redeliver_idle_ms,
                max_deliveries=s.max_deliveries,
                poll_s=s.poll_interval_s,
                metrics=self.metrics,
                on_dead_letter=self._dead_letter,
            )
            pumps = self.pump.spawn(self.supervisor, f"{self.device_id}#{conn_id.hex()[:8]}")
        self.registry.add(self)
        self.metrics.set("hotline_connections", len(self.registry))
        try:
            await self._read_loop()
            # Frames the device sent before it closed (a last receipt, an ack) were
            # read off the socket: finish them rather than drop them, within a bound.
            await self._drain(worker)
        finally:
            self.registry.remove(self)
            self.metrics.set("hotline_connections", len(self.registry))
            for h in pumps:
                await h.stop()
            for t in (writer, worker):
                t.cancel()
            for t in (writer, worker):
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await t

    async def _authenticate(self, hub_id: str, conn_id: bytes, nonce: bytes) -> None:
        deadline = (self.session.deadline() or 0) / 1000 - time.time()
        try:
            msg = await self.ws.receive(timeout=max(0.1, deadline))
        except TimeoutError as exc:
            raise AuthError("no authentication before the handshake deadline") from exc
        if msg.type != WSMsgType.BINARY:
            raise AuthError("expected a binary auth frame")
        self.session.receive_data(msg.data)
        (frame,) = self.session.events_received()
        device_id, at, sig = frame["device"], frame["at_ms"], frame["signature"]
        roster = self.roster.current
        dev = roster.device(device_id, now_ms(), roles=("officer", "feed", "auditor", "observer"))
        try:
            dev.verify_key.verify(sig, auth_payload(hub_id, conn_id, nonce, device_id, at))
        except ProtocolError as exc:
            raise AuthError("authentication signature does not verify") from exc
        if abs(at - now_ms()) > self.settings.max_future_skew_ms:
            raise ClockSkew("the device clock is too far from the hub's: fix the clock")
        self.device, self.device_id, self.party = dev, dev.id, dev.party
        await self.ws.send_bytes(
            self.session.send("welcome", device=dev.id, roster_version=roster.version, hub=hub_id)
        )
        known = frame.fields.get("roster_version", 0)
        for r in self.roster.chain:
            if isinstance(known, int) and r.version > known:
                await self.ws.send_bytes(self.session.send("roster", roster=r.encode()))
        cp = await self.streams.checkpoints.latest()
        if cp is not None:  # parties keep the checkpoints they see (fork detection)
            light = Checkpoint.decode(cp).encode(light=True)
            await self.ws.send_bytes(self.session.send("checkpoint", checkpoint=light))
        self.session.data_to_send()

    async def _fatal(self, exc: ProtocolError) -> None:
        self.metrics.inc("hotline_rejections_total", code=exc.code)
        with contextlib.suppress(Exception):
            if self.session.state != "closed":
                await self.ws.send_bytes(self.session.send("error", **exc.to_wire()))
            else:
                await self.ws.send_bytes(Frame("error", exc.to_wire()).encode())
        await self.ws.close(code=exc.close_code, message=exc.code.encode())

    async def _read_loop(self) -> None:
        async for msg in self.ws:
            if msg.type != WSMsgType.BINARY:
                if msg.type == WSMsgType.TEXT:
                    await self._reply_error(ProtocolError("frames are binary msgpack"))
                    continue
                break
            try:
                self.session.receive_data(msg.data)
            except StateError as exc:
                await self._fatal(exc)
                return
            except ProtocolError as exc:
                await self._reply_error(exc)
                continue
            for frame in self.session.events_received():
                if frame.type == "bye":
                    return
                # Handled by one worker, in order; this loop keeps reading so websocket
                # pings are answered even while a request waits on a slow Redis.
                await self.requests.put((frame.type, frame.fields))

    async def _worker(self) -> None:
        held: list[tuple[str, dict[str, Any]] | None] = []
        while True:
            item = held.pop() if held else await self.requests.get()
            if item is None:
                return
            if item[0] != "submit":
                await self._handle(*item)
                continue
            # Submits already waiting behind this one go to Redis together (one round
            # trip, one fsync), still in the order the device sent them.
            burst = [item[1]]
            while len(burst) < SUBMIT_BURST and not self.requests.empty():
                nxt = self.requests.get_nowait()
                if nxt is None or nxt[0] != "submit":
                    held.append(nxt)
                    break
                burst.append(nxt[1])
            await self._submit_burst(burst)

    async def _submit_burst(self, burst: list[dict[str, Any]]) -> None:
        assert self.device is not None
        t = now_ms()
        try:
            results = await self.intake.submit_many(
                [f.get("envelope") for f in burst],
                self.device,
                t,
            )
        except Exception as exc:  # the connection survives; the peer never sees internals
            log.exception("internal error handling a submit from %s", self.device_id)
            self.metrics.inc("hotline_internal_errors_total")
            for _f in burst:
                await self._reply_error(ProtocolError(f"internal error ({type(exc).__name__})"))
            return
        for f, res in zip(burst, results, strict=True):
            if isinstance(res, ProtocolError):
                ref = f.get("id") if isinstance(f.get("id"), bytes) else None
                if res.code != "unavailable":
                    await self.intake.log_rejection(res, self.device_id, t, ref)
                await self._reply_error(res, ref=ref)
            else:
                # a FLASH sender's "accepted" does not wait behind routine deliveries
                lane: dict[str, Any] = {"urgent": True} if res.urgent else {}
                await self._enqueue(
                    "accepted",
                    {"id": res.id, "position": res.position, "duplicate": res.duplicate, **lane},
                    res.urgent,
                )

    async def _drain(self, worker: asyncio.Task[None]) -> None:
        self.draining = True
        with contextlib.suppress(TimeoutError, ProtocolError):
            async with asyncio.timeout(self.settings.drain_s):
                await self.requests.put(None)
                await worker
                if self.pump:  # the last acks, rather than a redelivery next time
                    await self.pump.flush_acks()

    async def _handle(self, ftype: str, f: dict[str, Any]) -> None:
        assert self.device is not None
        intake = self.intake
        t = now_ms()
        try:
            if ftype == "ack":
                ids = [i for i in f["deliveries"] if isinstance(i, str)][:1000]
                if self.pump:
                    self.pump.acked(ids)  # its ack task XACKs them (and retries)
            elif ftype == "receipt":
                await intake.receipt(f["receipt"], self.device, t)
            elif ftype == "status":
                res2 = await intake.status(f["id"], self.device)
                await self._reply("status_result", id=f["id"], recipients=res2["recipients"])
        except ProtocolError as exc:
            ref = f.get("id") if isinstance(f.get("id"), bytes) else None
            if ftype == "submit" and exc.code != "unavailable":
                await intake.log_rejection(exc, self.device_id, t, ref)
            await self._reply_error(exc, ref=ref)
        except Exception as exc:  # the connection survives; the peer never sees internals
            log.exception("internal error handling %s from %s", ftype, self.device_id)
            self.metrics.inc("hotline_internal_errors_total")
            await self._reply_error(ProtocolError(f"internal error ({type(exc).__name__})"))

    async def _reply(self, ftype: str, **fields: Any) -> None:
        await self._enqueue(ftype, fields)

    async def _enqueue(self, ftype: str, fields: dict[str, Any], urgent: bool = False) -> None:
        if self.draining:
            return  # the peer has gone; the work is done, the answer has nowhere to go
        await self.out.put(self.session.send(ftype, **fields), urgent=urgent)
        self.session.data_to_send()

    async def _reply_error(self, exc: ProtocolError, ref: bytes | None = None) -> None:
        self.metrics.inc("hotline_rejections_total", code=exc.code)
        wire: dict[str, Any] = dict(exc.to_wire())
        if ref is not None:
            wire["ref"] = ref
        if self.session.state == "open":
            await self._reply("error", **wire)

    async def _send_entry(self, e: InboxEntry) -> None:
        # "urgent" tells the client to handle it before routine deliveries it holds
        urgent = e.lane == "urgent"
        lane: dict[str, Any] = {"urgent": True} if urgent else {}
        if e.type == "env":
            await self._enqueue("deliver", {"delivery": e.id, "envelope": e.data, **lane}, urgent)
        else:
            await self._enqueue("receipt", {"receipt": e.data, "delivery": e.id, **lane}, urgent)

    async def _dead_letter(self, e: InboxEntry) -> None:
        ev = LogEvent(
            "dead_letter",
            now_ms(),
            self.settings.device,
            b"",
            {"device": self.device_id, "entry": e.id, "mid": e.mid},
        )
        with contextlib.suppress(ProtocolError):
            await self.streams.log.append_event("dead_letter", ev.encode(), mid=e.mid)

    async def _writer(self) -> None:
        while True:
            data = await self.out.get()
            if data is None:
                return
            await self.ws.send_bytes(data)


async def websocket_handler(request: web.Request) -> web.StreamResponse:
    s = request.app[SETTINGS]
    sockets = request.app[SOCKETS]
    ws = web.WebSocketResponse(
        heartbeat=s.heartbeat_s,
        max_msg_size=MAX_FRAME,
        receive_timeout=None,
        compress=False,
        autoping=True,
    )
    await ws.prepare(request)
    conn = Connection(request.app, ws)
    sockets.add(ws)
    try:
        await conn.run()
    finally:
        sockets.discard(ws)
        if not ws.closed:
            await ws.close(code=WSCloseCode.OK)
    return ws
