"""The hub's websocket protocol as the load generator needs it — the only module that knows it.

Everything about frames and the handshake lives here, so that moving the bench onto the
protocol's sans-I/O connection objects (`hotline.protocol.connection`, issue 14.1) changes
this one file. Today it drives `hotline.protocol.Session`, as `client/hub_client.py` does:
challenge → auth (Ed25519 over the hub, connection id, nonce, device, time) → welcome.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from hotline.protocol import MAX_FRAME, ProtocolError, Session, SigningKey, auth_payload
from hotline.protocol.codec import unpack

__all__ = ["Link", "ack_id", "answer_ref", "connect_device", "delivered_id", "open_device"]

HANDSHAKE_S = 10.0


@dataclass(frozen=True, slots=True)
class Incoming:
    """One frame from the hub, reduced to what the load generator reads."""

    type: str
    fields: dict[str, Any]


def ack_id(frame: Incoming) -> str | None:
    """The delivery id to acknowledge, for a delivery frame; None otherwise."""
    if frame.type == "deliver" or (frame.type == "receipt" and "delivery" in frame.fields):
        d = frame.fields.get("delivery")
        return d if isinstance(d, str) else None
    return None


def answer_ref(frame: Incoming) -> bytes | None:
    """The envelope id an `accepted` or `error` frame answers; None for other frames."""
    key = "id" if frame.type == "accepted" else "ref" if frame.type == "error" else None
    v = frame.fields.get(key) if key else None
    return v if isinstance(v, bytes) else None


class Link:
    """One authenticated device connection: submit, ack, and the frames that arrive."""

    def __init__(self, ws: ClientConnection, session: Session, device: str) -> None:
        self.ws, self.session, self.device = ws, session, device

    async def submit(self, envelope: bytes, mid: bytes) -> None:
        await self._send("submit", envelope=envelope, id=mid)

    async def ack(self, deliveries: list[str]) -> None:
        await self._send("ack", deliveries=deliveries)

    async def _send(self, ftype: str, **fields: Any) -> None:
        data = self.session.send(ftype, **fields)
        self.session.data_to_send()
        await self.ws.send(data)

    async def frames(self) -> AsyncIterator[Incoming]:
        """Every frame until the connection ends; malformed ones are skipped."""
        async for data in self.ws:
            if not isinstance(data, bytes):
                continue
            try:
                self.session.receive_data(data)
            except ProtocolError:
                if self.session.state == "closed":
                    raise
                continue
            for f in self.session.events_received():
                yield Incoming(f.type, f.fields)

    async def close(self) -> None:
        await self.ws.close()


async def _recv(ws: ClientConnection, session: Session) -> Any:
    data = await ws.recv()
    if not isinstance(data, bytes):
        raise ProtocolError("hub sent a text frame during the handshake")
    session.receive_data(data)
    (frame,) = session.events_received()
    if frame.type == "error":
        raise ProtocolError(f"hub refused: {frame['code']}: {frame['message']}")
    return frame


async def open_device(ws: ClientConnection, device: str, key: SigningKey) -> Link:
    """Authenticate `device` on an open websocket (the handshake, docs/protocol.md §8)."""
    session = Session("client", time.time_ns() // 1_000_000)
    ch = await _recv(ws, session)
    at = time.time_ns() // 1_000_000
    sig = key.sign(auth_payload(ch["hub"], ch["conn"], ch["nonce"], device, at))
    # a high roster version: the hub pushes no roster history to a load generator
    auth = session.send("auth", device=device, at_ms=at, signature=sig, roster_version=1 << 30)
    session.data_to_send()
    await ws.send(auth)
    await _recv(ws, session)  # welcome
    return Link(ws, session, device)


async def connect_device(url: str, device: str, key: SigningKey, ca: str | None = None) -> Link:
    """Open a websocket to the hub and authenticate as `device`."""
    ctx = ssl.create_default_context(cafile=ca) if url.startswith("wss:") else None
    ws = await connect(
        url, ssl=ctx, max_size=MAX_FRAME, compression=None, ping_interval=None, open_timeout=30
    )
    return await open_device(ws, device, key)


def delivered_id(frame: Incoming) -> bytes | None:
    """The envelope id inside a delivery frame (for latency), None when it has none.

    Today's `deliver` carries the envelope; the id is its second element.
    """
    env = frame.fields.get("envelope") if frame.type == "deliver" else None
    if not isinstance(env, bytes):
        return None
    try:
        obj = unpack(env)
    except ProtocolError:
        return None
    return obj[1] if isinstance(obj, list) and len(obj) > 1 and isinstance(obj[1], bytes) else None
