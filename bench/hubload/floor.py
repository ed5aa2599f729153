"""The hub's floor, measured directly in-process: the work no hub can avoid per message.

One Ed25519 verify of the envelope's signed bytes (the primitive, from `cryptography`),
plus one websocket frame write per delivery — header and the deliver frame, one
`sendmsg` each on a loopback TCP socket (or TLS `sendall`) whose other end a thread
drains. Measured with the writing thread's own CPU clock, so the drain is not counted.
Redis's work (the log append and its fsync) is not in the floor: it is what the 3×
allowance of the target pays for.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hotline.protocol import Envelope
from hotline.protocol.codec import pack
from hotline.protocol.constants import DOMAIN_ENVELOPE

__all__ = ["floor", "frame_write_us", "sign_us", "verify_us"]


def verify_us(env: Envelope, raw_key: bytes, n: int) -> float:
    """µs per Ed25519 verify of this envelope's signed bytes, called on `cryptography`."""
    key = Ed25519PublicKey.from_public_bytes(raw_key)
    msg = DOMAIN_ENVELOPE + pack(env.signed_payload())
    t = time.thread_time_ns()
    for _ in range(n):
        key.verify(env.signature, msg)
    return (time.thread_time_ns() - t) / n / 1e3


def sign_us(size: int, n: int) -> float:
    """µs per Ed25519 signature over `size` bytes (the hub signs every event it logs,
    the envelope inside it: not in the floor, but no hub of this design avoids it)."""
    key = Ed25519PrivateKey.generate()
    msg = bytes(size)
    t = time.thread_time_ns()
    for _ in range(n):
        key.sign(msg)
    return (time.thread_time_ns() - t) / n / 1e3


def _ws_header(n: int) -> bytes:
    """A server-to-client binary frame header (FIN, opcode 2, unmasked)."""
    if n < 126:
        return bytes([0x82, n])
    if n < 1 << 16:
        return bytes([0x82, 126]) + struct.pack("!H", n)
    return bytes([0x82, 127]) + struct.pack("!Q", n)


def _drain(sock: socket.socket) -> None:
    buf = bytearray(1 << 20)
    while sock.recv_into(buf):
        pass


def _pair(tls_dir: Path | None) -> tuple[Any, socket.socket]:
    """(writer, reader) over loopback TCP; the writer wrapped in TLS when asked."""
    lst = socket.create_server(("127.0.0.1", 0))
    cli = socket.create_connection(lst.getsockname())
    srv, _ = lst.accept()
    lst.close()
    if tls_dir is None:
        return srv, cli
    sctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    sctx.load_cert_chain(tls_dir / "tls.crt", tls_dir / "tls.key")
    cctx = ssl.create_default_context(cafile=str(tls_dir / "tls.crt"))
    cctx.check_hostname = False
    out: dict[str, Any] = {}
    th = threading.Thread(target=lambda: out.update(c=cctx.wrap_socket(cli)))
    th.start()
    s = sctx.wrap_socket(srv, server_side=True)
    th.join()
    return s, out["c"]


def frame_write_us(frame: bytes, n: int, tls_dir: Path | None = None) -> float:
    """µs of the writing thread's CPU per websocket frame of `frame` bytes written."""
    w, r = _pair(tls_dir)
    drain = threading.Thread(target=_drain, args=(r,), daemon=True)
    drain.start()
    hdr = _ws_header(len(frame))
    plain = tls_dir is None
    t = time.thread_time_ns()
    for _ in range(n):
        if plain:
            w.sendmsg([hdr, frame])
        else:
            w.sendall(hdr + frame)
    used = time.thread_time_ns() - t
    w.close()
    drain.join(10)
    r.close()
    return used / n / 1e3


def floor(
    env: Envelope, raw_key: bytes, fanout: int, *, n: int = 2000, tls_dir: Path | None = None
) -> dict[str, Any]:
    """The floor per message and per delivery for this envelope and fan-out."""
    deliver = pack(["deliver", {"delivery": "1790000000000-0", "envelope": env.encode()}])
    # the least disturbed of three rounds each (CPU time already ignores other processes)
    v = min(verify_us(env, raw_key, n) for _ in range(3))
    w = min(frame_write_us(deliver, n, tls_dir) for _ in range(3))
    per_msg = v + fanout * w
    # the event: the envelope and a few fields around it
    sig = min(sign_us(len(env.encode()) + 200, n) for _ in range(3))
    return {
        "ed25519_verify_us": round(v, 1),
        "hub_event_sign_us": round(sig, 1),
        "frame_write_us": round(w, 1),
        "frame_bytes": len(deliver),
        "fanout": fanout,
        "tls": tls_dir is not None,
        "us_per_msg": round(per_msg, 1),
        "us_per_delivery": round(per_msg / fanout, 1),
    }
