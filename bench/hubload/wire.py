"""The hub's websocket protocol as the load generator needs it — the only module that knows it.

It drives the protocol's own sans-I/O ClientConnection (``hotline.protocol.connection``),
as the client library and the test harness do: the handshake, frame checks and typed
frames come from there; this module only moves bytes and reduces frames to what the
load generator reads.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection as WebSocket
from websockets.asyncio.client import connect

from hotline.protocol import MAX_FRAME, ProtocolError, SigningKey
from hotline.protocol.codec import unpack
from hotline.protocol.connection import ClientConnection
from hotline.protocol.events import LogEvent
from hotline.protocol.frames import Frame
from hotline.runtime.clock import now_ms

__all__ = ["Link", "ack_id", "answer_ref", "connect_device", "delivered_id", "open_device"]

HANDSHAKE_S = 10.0


@dataclass(frozen=True, slots=True)
class Incoming:
    """One frame from the hub, reduced to what the load generator reads."""

    type: str
    fields: dict[str, Any]


def ack_id(frame: Incoming) -> str | None:
    """The delivery id to acknowledge, for a delivery frame; None otherwise."""
    d = frame.fields.get("delivery") if frame.type == "deliver" else None
    return d if isinstance(d, str) else None


def answer_ref(frame: Incoming) -> bytes | None:
    """The envelope id an `accepted` or `error` frame answers; None for other frames."""
    key = "id" if frame.type == "accepted" else "ref" if frame.type == "error" else None
    v = frame.fields.get(key) if key else None
    return v if isinstance(v, bytes) else None


class Link:
    """One authenticated device connection: submit, ack, and the frames that arrive."""

    def __init__(self, ws: WebSocket, conn: ClientConnection, device: str) -> None:
        self.ws, self.conn, self.device = ws, conn, device

    async def submit(self, envelope: bytes, mid: bytes) -> None:
        self.conn.submit(mid, envelope)
        await self._flush()

    async def ack(self, deliveries: list[str]) -> None:
        self.conn.ack(deliveries)
        await self._flush()

    async def _flush(self) -> None:
        for data in self.conn.data_to_send():
            await self.ws.send(data)

    async def frames(self) -> AsyncIterator[Incoming]:
        """Every frame until the connection ends; malformed ones are dropped."""
        async for data in self.ws:
            if not isinstance(data, bytes):
                continue
            self.conn.receive_data(data, now_ms())
            for f in self.conn.events_received():
                if isinstance(f, Frame):
                    yield Incoming(f.TYPE, f.fields())
            if self.conn.closed:
                return

    async def close(self) -> None:
        await self.ws.close()


async def open_device(ws: WebSocket, device: str, key: SigningKey) -> Link:
    """Authenticate `device` on an open websocket (the handshake, docs/protocol.md §8)."""
    # a high roster version: the hub pushes no roster history to a load generator
    conn = ClientConnection(device=device, key=key, now_ms=now_ms(), roster_version=1 << 30)
    while conn.state != "open":
        data = await ws.recv()
        if not isinstance(data, bytes):
            raise ProtocolError("hub sent a text frame during the handshake")
        conn.receive_data(data, now_ms())
        for out in conn.data_to_send():
            await ws.send(out)
        if conn.closed:
            raise conn.failure or ProtocolError("the hub closed the handshake")
    conn.events_received()  # the welcome and its pushes: nothing the load needs
    return Link(ws, conn, device)


async def connect_device(url: str, device: str, key: SigningKey, ca: str | None = None) -> Link:
    """Open a websocket to the hub and authenticate as `device`."""
    ctx = ssl.create_default_context(cafile=ca) if url.startswith("wss:") else None
    ws = await connect(
        url, ssl=ctx, max_size=MAX_FRAME, compression=None, ping_interval=None, open_timeout=30
    )
    return await open_device(ws, device, key)


def delivered_id(frame: Incoming) -> bytes | None:
    """The envelope id inside a delivery frame (for latency), None when it has none.

    A `deliver` carries the whole log entry; the envelope is its payload and the id the
    envelope's second element.
    """
    entry = frame.fields.get("entry") if frame.type == "deliver" else None
    if not isinstance(entry, bytes):
        return None
    try:
        ev = LogEvent.decode(entry)
        if ev.type != "accepted":
            return None
        obj = unpack(ev.payload, max_containers=2)
    except ProtocolError:
        return None
    return obj[1] if isinstance(obj, list) and len(obj) > 1 and isinstance(obj[1], bytes) else None
