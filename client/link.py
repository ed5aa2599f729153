"""The device's link to the hub: one websocket at a time, driving a ClientConnection.

The sans-I/O :class:`~hotline.protocol.connection.ClientConnection` owns the protocol;
this module only moves bytes and time: it connects (TLS pinned to the network's CA),
runs the handshake within the connection's deadline, hands every frame of the open
session to its handler in order, writes what the connection queues, and reconnects
with the one jittered backoff. A refusal that will not change by retrying (a revoked
key, a wrong clock) is reported as the state ``refused`` and retried only slowly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from websockets.asyncio.client import ClientConnection as WebSocket
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from hotline.protocol import MAX_FRAME, AuthError, ProtocolError
from hotline.protocol.connection import ClientConnection, Connected
from hotline.protocol.frames import Frame
from hotline.runtime.backoff import Backoff

__all__ = ["HubLink", "LinkHandler", "NotConnected"]

log = logging.getLogger("hotline.client.link")
#: what ends one connection and calls for the next (anything else is a bug: it crashes)
NETWORK_ERRORS = (OSError, WebSocketException, TimeoutError, ProtocolError)


class NotConnected(ConnectionError):
    """There is no open session to send on (the caller keeps the work for later)."""


class LinkHandler(Protocol):
    async def on_open(self, info: Connected, first: list[Frame]) -> None:
        """The session is open; ``first`` holds frames that came with the welcome."""

    def on_frame(self, frame: Frame) -> None:
        """One frame of the open session, in order (must not block)."""

    async def on_close(self) -> None:
        """The session ended; finish what was received, bounded."""


class HubLink:
    """See the module docstring."""

    def __init__(
        self,
        *,
        url: str,
        ca_cert: Path | None,
        heartbeat: float,
        make_connection: Callable[[int], ClientConnection],
        handler: LinkHandler,
        on_state: Callable[[str, str], None],
        clock: Callable[[], int],
    ) -> None:
        self.url = url
        self.ca_cert = ca_cert
        self.heartbeat = heartbeat
        self._make = make_connection
        self._handler = handler
        self._on_state = on_state
        self._clock = clock
        self._ws: WebSocket | None = None
        self._conn: ClientConnection | None = None
        self._lock = asyncio.Lock()
        self.connected = asyncio.Event()
        self.last_error: ProtocolError | None = None
        self.hub_id = ""
        self.clock_skew_ms = 0

    # -- the loop ------------------------------------------------------------------
    async def run(self, closing: asyncio.Event) -> None:
        """Connect, serve, reconnect, until ``closing`` is set."""
        backoff = Backoff(0.2, 10.0)
        first = True
        while not closing.is_set():
            self._on_state("connecting" if first else "reconnecting", "")
            first = False
            try:
                await self._session()
                backoff.reset()
            except AuthError as exc:  # the hub refused this device: retrying soon won't help
                self.last_error = exc
                self._on_state("refused", exc.message)
                backoff.hold(10.0)
            except NETWORK_ERRORS as exc:
                self.last_error = exc if isinstance(exc, ProtocolError) else None
                log.info("connection lost (%s)", type(exc).__name__)
                self._on_state("reconnecting", type(exc).__name__)
            finally:
                self._ws = self._conn = None
                self.connected.clear()
            if await backoff.wait(closing):
                return

    def _ssl(self) -> ssl.SSLContext | None:
        if not self.url.startswith("wss://"):
            return None
        return ssl.create_default_context(cafile=str(self.ca_cert) if self.ca_cert else None)

    async def _session(self) -> None:
        async with connect(
            self.url,
            ssl=self._ssl(),
            max_size=MAX_FRAME,
            ping_interval=self.heartbeat,
            ping_timeout=self.heartbeat,
            open_timeout=10,
            close_timeout=2,
            compression=None,
        ) as ws:
            conn = self._make(self._clock())
            info, first = await self._handshake(ws, conn)
            self._ws, self._conn = ws, conn
            self.connected.set()
            try:
                await self._handler.on_open(info, first)
                await self._serve(ws, conn)
            finally:
                self.connected.clear()
                self._ws = None
                await self._handler.on_close()

    async def _handshake(
        self, ws: WebSocket, conn: ClientConnection
    ) -> tuple[Connected, list[Frame]]:
        while True:
            await self._write(ws, conn)
            if conn.closed:
                err = conn.failure or ProtocolError("the hub closed during the handshake")
                if err.transient:
                    raise err
                raise AuthError(f"the hub refused {conn.device}: {err.message}") from err
            deadline = conn.deadline() or self._clock()
            async with asyncio.timeout(max(0.1, (deadline - self._clock()) / 1000)):
                data = await ws.recv()
            if not isinstance(data, bytes):
                raise AuthError("the hub sent a text frame during the handshake")
            conn.receive_data(data, self._clock())
            events = conn.events_received()
            if events and isinstance(events[0], Connected):
                info = events[0]
                self.hub_id, self.clock_skew_ms = info.hub, self._clock() - info.hub_clock_ms
                return info, [e for e in events[1:] if isinstance(e, Frame)]

    async def _serve(self, ws: WebSocket, conn: ClientConnection) -> None:
        async for data in ws:
            if not isinstance(data, bytes):
                continue
            conn.receive_data(data, self._clock())
            for ev in conn.events_received():
                if isinstance(ev, Frame):
                    self._handler.on_frame(ev)
                else:  # a malformed frame from the hub: dropped, noted
                    log.warning("bad frame from the hub: %s", ev.error.message)
            if conn.closed:
                return

    # -- sending -------------------------------------------------------------------------
    async def send(self, op: Callable[[ClientConnection], None]) -> None:
        """Queue frames with ``op(connection)`` and write them, in order.

        Raises:
            NotConnected: no open session (nothing was queued).
        """
        async with self._lock:
            ws, conn = self._ws, self._conn
            if ws is None or conn is None or conn.state != "open":
                raise NotConnected("not connected to the hub")
            op(conn)
            try:
                await self._write(ws, conn)
            except (OSError, WebSocketException) as exc:
                raise NotConnected("the connection to the hub was lost") from exc

    @staticmethod
    async def _write(ws: WebSocket, conn: ClientConnection) -> None:
        for data in conn.data_to_send():
            await ws.send(data)

    async def close(self) -> None:
        ws = self._ws
        if ws is not None:
            with contextlib.suppress(NotConnected):  # already gone: no goodbye to say
                await self.send(lambda c: c.bye())
            await ws.close()
