"""The websocket endpoint: one short I/O loop per socket around a sans-I/O HubConnection.

The protocol — handshake and its checks, frame validation, error mapping, close codes,
deadlines — lives in :mod:`hotline.protocol.connection`. This module moves bytes: it
reads the one auth frame within the connection's absolute deadline (websocket pings do
not extend it), then runs a reader (this coroutine), one writer task and one request
worker, plus the device's delivery pump under the hub's supervisor.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable

from aiohttp import WSCloseCode, WSMsgType, web

from hotline.protocol import MAX_FRAME, AuthError, ProtocolError, Roster
from hotline.protocol.connection import Authenticated, HubConnection, HubLimits, PeerError
from hotline.protocol.constants import SESSION_SUPERSEDED
from hotline.protocol.frames import Bye, Frame
from hotline.runtime import trace
from hotline.runtime.clock import now_ms
from hotline.runtime.supervise import Supervised

from .appkeys import (
    HEALTH,
    LOG_TREE,
    METRICS,
    PREAUTH,
    REGISTRY,
    ROSTER,
    SETTINGS,
    SOCKETS,
    SUPERVISOR,
)
from .delivery import DeliveryPump
from .device_requests import DeviceRequests
from .loan import Loan
from .streams import InboxEntry
from .ws_batch import send_all

__all__ = ["DeviceSocket", "websocket_handler"]

SUPERSEDED = (
    "another session of this device opened (a second console, or a command-line run); "
    "messages go to the newest session until it closes. If none of them is yours, "
    "report the device key compromised"
)


#: how long a pump that stops reading waits for a read it lent out (above Redis's 5 s
#: socket timeout, which bounds the lender's own wait)
LOAN_WAIT_S = 10.0


async def _retire(pump: DeliveryPump, loop: Supervised) -> None:
    """Stop a pump reading: its loop first (it reads nothing more, not even after its
    loan comes back), then wait for the loan, so the PEL holds all it read."""
    pump.retire()
    await loop.stop()
    if not await pump.lent_back(LOAN_WAIT_S):
        log.warning(
            "a read lent by %s's pump did not come back in %.0f s: what it read is "
            "resent after the idle timeout",
            pump.device,
            LOAN_WAIT_S,
        )


log = logging.getLogger("hotline.hub.ws")
RECEIVING = ("officer", "feed", "auditor", "observer")
REQUEST_QUEUE = 64  # a device's requests read ahead of the worker; the reader then waits


class DeviceSocket:
    """One device's socket. Registered (for wake-ups and pushes) while open."""

    def __init__(
        self,
        app: web.Application,
        ws: web.WebSocketResponse,
        handshake_over: Callable[[], None] = lambda: None,
    ) -> None:
        self.app = app
        self.ws = ws
        self._handshake_over = handshake_over  # leaves the pre-authentication count
        s = app[SETTINGS]
        self.conn = HubConnection(
            hub=s.device,
            conn_id=os.urandom(16),
            nonce=os.urandom(32),
            now_ms=now_ms(),
            roster=app[ROSTER].current,
            limits=HubLimits(max_skew_ms=s.max_future_skew_ms),
        )
        self.device_id = ""
        self.party = ""
        self.pump: DeliveryPump | None = None
        self._pump_loop: Supervised | None = None  # its deliver loop, while it reads
        self._acks: Supervised | None = None  # its ack loop (runs on when superseded)
        self._retiring: asyncio.Future[None] | None = None
        self._left = False  # its session is ending: it may not read again
        self._pumps_started = 0
        self._device_requests: DeviceRequests | None = None
        self._ready = asyncio.Event()  # output is queued on the connection
        self._requests: asyncio.Queue[Frame | None] = asyncio.Queue(maxsize=REQUEST_QUEUE)
        self._traced: list[str] = []  # message ids of queued deliveries, when tracing

    # -- what the registry calls --------------------------------------------------------
    def wake(self) -> None:
        if self.pump is not None:
            self.pump.wake()

    def lend(self) -> Loan | None:
        return self.pump.lend() if self.pump is not None else None

    @property
    def reading(self) -> bool:
        return self._pump_loop is not None

    async def supersede(self) -> None:
        """Stop reading the device's deliveries (server/registry.py, under its lock): a
        newer session reads now, or this one is leaving.

        Its acks are still written; what it had in flight stays pending, and the next
        reader sends the pending first. A live session superseded is told.
        """
        loop, self._pump_loop = self._pump_loop, None
        if loop is None or self.pump is None:
            return
        if self.conn.state == "open" and not self._left:
            self.conn.alert(SESSION_SUPERSEDED, SUPERSEDED, now_ms())
            self.kick()
        # shielded: cancelled half-way, it must still finish before anyone reads again
        self._retiring = asyncio.ensure_future(_retire(self.pump, loop))
        await asyncio.shield(self._retiring)

    async def resume(self) -> bool:
        """Read this device's deliveries (a new pump; it sends the pending first)."""
        if self._retiring is not None:
            await asyncio.shield(self._retiring)
        device, requests = self.conn.device, self._device_requests
        if self._left or self.conn.state != "open" or self._pump_loop is not None:
            return False
        if device is None or device.role not in RECEIVING or requests is None:
            return False
        if self._acks is not None:  # the acks of the pump it had before: written, stopped
            await self._acks.stop()
            if self.pump is not None:
                await requests.flush_acks(self.pump)
        if self._left or self.app[REGISTRY].closed:  # it began to leave, or the hub to stop
            return False
        self._start_pump(requests)
        return True

    def kick(self) -> None:
        """Something was queued on the connection: the writer sends it."""
        self._ready.set()

    def push_checkpoint(self, light: bytes) -> None:
        if self.conn.state == "open":
            self.conn.push_checkpoint(light)
            self.kick()

    def alert(self, code: str, message: str, at_ms: int) -> None:
        if self.conn.state == "open":
            self.conn.alert(code, message, at_ms)
            self.kick()

    def roster_changed(self, roster: Roster, now_ms: int) -> None:
        """A newer roster is in force: a revoked or expired device's session ends now."""
        self.conn.roster_changed(roster, now_ms)
        if self.conn.state == "open":  # still admitted: it needs the version to judge with
            self.conn.push_roster(roster.encode())
        self.kick()

    # -- the loop -----------------------------------------------------------------------
    async def run(self) -> None:
        self.kick()
        writer = asyncio.create_task(self._writer(), name="ws-writer")
        try:
            ok = await self._handshake()
            self._handshake_over()
            if ok:
                await self._serve()
        finally:
            self.kick()
            await asyncio.wait({writer}, timeout=self.app[SETTINGS].drain_s)
            writer.cancel()
            if not self.ws.closed:
                code = self.conn.close_code or WSCloseCode.OK
                await self.ws.close(code=code, message=self.conn.close_reason().encode())

    async def _handshake(self) -> bool:
        deadline = self.conn.deadline() or now_ms()
        try:
            async with asyncio.timeout(max(0, deadline - now_ms()) / 1000):
                while self.conn.state not in ("open", "closed"):
                    msg = await self.ws.receive()
                    if msg.type != WSMsgType.BINARY:
                        self.conn.fail(AuthError("expected one binary auth frame"))
                        break
                    self.conn.receive_data(msg.data, now_ms())
                    for ev in self.conn.events_received():
                        if isinstance(ev, Authenticated):
                            await self._welcome(ev)
        except TimeoutError:
            self.conn.check_time(now_ms())
        self.kick()
        if self.conn.failure is not None:
            self.app[METRICS].inc("hotline_handshake_failures_total", code=self.conn.failure.code)
        return self.conn.state == "open"

    async def _welcome(self, ev: Authenticated) -> None:
        chain = self.app[ROSTER].chain
        newer = [r.encode() for r in chain if r.version > ev.roster_version]
        latest = self.app[LOG_TREE].latest
        self.conn.welcome(newer, latest.encode(light=True) if latest else None)
        self.device_id, self.party = ev.device.id, ev.device.party
        alarm = self.app[HEALTH].integrity
        if alarm:  # a device connecting after the alarm hears it too
            self.conn.alert("integrity_alarm", alarm, now_ms())

    async def _serve(self) -> None:
        requests = self._device_requests = DeviceRequests(self.app, self.conn, self.kick)
        worker = asyncio.create_task(requests.run(self._requests), name="ws-worker")
        registry = self.app[REGISTRY]
        registry.add(self)
        self.app[METRICS].set("hotline_connections", len(registry))
        # a task: the device's frames are read meanwhile (an older session's lent read
        # may take a moment to come back before this one may read)
        reader = asyncio.create_task(registry.read_for(self), name="ws-reader")
        try:
            await self._read()
            # Frames the device sent before it closed (a last receipt, an ack) were read:
            # finish them rather than drop them, within a bound.
            await self._requests.put(None)
            await asyncio.wait({worker}, timeout=self.app[SETTINGS].drain_s)
            if self.pump is not None:
                await requests.flush_acks(self.pump)
        finally:
            self._left = True
            if self.pump is not None:
                self.pump.retire()  # lends nothing more from now
            reader.cancel()
            await asyncio.wait({reader})
            # under the device's lock: stop reading, leave, the newest open session reads
            await registry.leave(self)
            self.app[METRICS].set("hotline_connections", len(registry))
            if self._acks is not None:
                await self._acks.stop()
            worker.cancel()

    def _start_pump(self, requests: DeviceRequests) -> None:
        s = self.app[SETTINGS]
        self.pump = DeliveryPump(
            requests.streams,
            self.party,
            self.device_id,
            self._deliver,
            window=s.send_queue,
            idle_ms=s.redeliver_idle_ms,
            max_deliveries=s.max_deliveries,
            poll_s=s.poll_interval_s,
            metrics=self.app[METRICS],
            on_dead_letter=requests.dead_letter,
        )
        requests.pump = self.pump
        self._pumps_started += 1  # a resumed session's pump is named apart from the last
        tag = f"{self.device_id}#{self.conn.conn_id.hex()[:8]}.{self._pumps_started}"
        handles = self.pump.spawn(self.app[SUPERVISOR], tag)
        self._pump_loop, self._acks = handles

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type != WSMsgType.BINARY:
                if msg.type == WSMsgType.TEXT:
                    self.conn.refuse(ProtocolError("frames are binary msgpack, not text"))
                    self.kick()
                    continue
                return
            self.conn.receive_data(msg.data, now_ms())
            for ev in self.conn.events_received():
                if isinstance(ev, PeerError):
                    self.app[METRICS].inc("hotline_rejections_total", code=ev.error.code)
                elif isinstance(ev, Bye):
                    return
                elif isinstance(ev, Frame):
                    # One worker handles them in order; this loop keeps reading so pings
                    # are answered even while a request waits on a slow Redis.
                    await self._requests.put(ev)
            self.kick()
            if self.conn.closed:
                return

    async def _deliver(self, e: InboxEntry) -> None:
        if self.conn.state != "open":
            return  # the device is gone: the entry stays pending and is delivered again
        self.conn.deliver(e.id, e.event, e.index, e.lane == "urgent")
        if trace.enabled():
            self._traced.append(e.mid)
        self.kick()

    async def _writer(self) -> None:
        while True:
            deadline = self.conn.deadline()
            try:
                timeout = None if deadline is None else max(0, deadline - now_ms()) / 1000
                async with asyncio.timeout(timeout):
                    await self._ready.wait()
            except TimeoutError:
                self.conn.check_time(now_ms())  # the device's roster entry expired
            self._ready.clear()
            traced, self._traced = self._traced, []  # the deliveries in this write
            # everything queued, in one transport write (urgent first, as queued)
            await send_all(self.ws, self.conn.data_to_send())
            for mid in traced:
                trace.point("hub_frame_written", mid, self.device_id)
            if self.conn.closed:
                code = self.conn.close_code or WSCloseCode.OK
                await self.ws.close(code=code, message=self.conn.close_reason().encode())
                return


async def websocket_handler(request: web.Request) -> web.StreamResponse:
    s = request.app[SETTINGS]
    ws = web.WebSocketResponse(
        heartbeat=s.heartbeat_s,
        max_msg_size=MAX_FRAME,
        receive_timeout=None,
        compress=False,
        autoping=True,
    )
    # counted until its handshake ends; beyond the caps: 429 before any websocket exists
    gate, address = request.app[PREAUTH], request.remote or "?"
    gate.admit(address)
    counted = True

    def handshake_over() -> None:
        nonlocal counted
        if counted:
            counted = False
            gate.leave(address)

    sockets = request.app[SOCKETS]
    try:
        await ws.prepare(request)
        sockets.add(ws)
        await DeviceSocket(request.app, ws, handshake_over).run()
    finally:
        handshake_over()
        sockets.discard(ws)
    return ws
