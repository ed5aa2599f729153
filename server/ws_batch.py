"""Write a connection's queued frames to its socket in one transport write.

Why: aiohttp's ``send_bytes`` writes each binary frame as two transport writes when it
is over 16 KB (header, then payload), and each write is a ``send`` system call when the
socket's buffer is empty: a 19 KB deliver frame cost two syscalls per device, and a
burst of N frames 2N. Server frames are unmasked and uncompressed here (the hub turns
compression off: ``compress=False``), so a frame is a 2–10 byte header and the payload;
the headers and payloads of everything queued are joined and handed to the transport
once, and flow control is kept as aiohttp keeps it (wait for the drain once the written
bytes pass its limit while the transport is paused).

This reaches into aiohttp's writer (``ws._writer``); when its shape is not the one this
was written against (another aiohttp, compression on), :func:`send_all` falls back to one
``send_bytes`` per frame, which is slower and otherwise the same. A test checks that
the fast path is taken with the aiohttp the project installs.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

from aiohttp import web

__all__ = ["batched", "send_all"]

_BINARY_FIN = 0x82  # FIN + opcode 2 (binary), RFC 6455 §5.2
#: bytes joined into one write at most: a full window of 200 KB frames is not copied whole
CHUNK = 1 << 20


def _header(n: int) -> bytes:
    if n < 126:
        return bytes((_BINARY_FIN, n))
    if n < 0x10000:
        return struct.pack("!BBH", _BINARY_FIN, 126, n)
    return struct.pack("!BBQ", _BINARY_FIN, 127, n)


def _writer(ws: web.WebSocketResponse) -> Any:
    """aiohttp's frame writer when this module can write past it, else None."""
    w = getattr(ws, "_writer", None)
    needed = ("transport", "protocol", "_closing", "_output_size", "_limit", "compress")
    if w is None or not all(hasattr(w, a) for a in needed):
        return None
    if w.compress or getattr(w, "use_mask", False) or ws.compress:
        return None
    return w


def batched(ws: web.WebSocketResponse) -> bool:
    """Whether :func:`send_all` writes this socket's frames in one transport write."""
    return _writer(ws) is not None


async def send_all(ws: web.WebSocketResponse, frames: Sequence[bytes]) -> None:
    """Send ``frames`` (binary websocket messages) in order."""
    w = _writer(ws)
    if w is None or w._closing or w.transport is None or w.transport.is_closing():
        for data in frames:  # aiohttp's own path, with its own errors for a closing socket
            await ws.send_bytes(data)
        return
    parts: list[bytes] = []
    size = 0
    for i, data in enumerate(frames):
        h = _header(len(data))
        parts += (h, data)
        size += len(h) + len(data)
        if size >= CHUNK or i == len(frames) - 1:
            w.transport.write(b"".join(parts))
            w._output_size += size
            parts, size = [], 0
            if w._output_size > w._limit:  # as WebSocketWriter.send_frame: wait while paused
                w._output_size = 0
                if w.protocol._paused:
                    await w.protocol._drain_helper()
