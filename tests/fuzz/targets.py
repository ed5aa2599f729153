"""Fuzz targets: untrusted bytes in, only ProtocolError subclasses out.

Short runs happen in the test suite (tests/fuzz/test_fuzz.py, mutations of the seed
corpus). Long runs with atheris (coverage-guided):

    pip install atheris
    python -m tests.fuzz.run_atheris envelope -max_total_time=3600 tests/fuzz/corpus/envelope
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from hotline.protocol import Envelope, ProtocolError, Roster
from hotline.protocol.audit import read_bundle, verify_bundle
from hotline.protocol.connection import HubConnection
from hotline.protocol.frames import decode_frame
from hotline.protocol.roster import Roster as _Roster

__all__ = ["STRICT", "TARGETS", "frame", "handshake"]


def envelope(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        Envelope.decode(data)


def roster(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        Roster.decode(data)


def bundle(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        read_bundle(data)
    verify_bundle(data)  # must never raise at all: it reports


def frame(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        decode_frame(data)


def handshake(data: bytes, roster: _Roster | None = None) -> None:
    """A stranger's first frame: the hub's connection fails typed, never raises."""
    if roster is None:
        return
    conn = HubConnection(
        hub="HUB/hub-1", conn_id=b"c" * 16, nonce=b"n" * 32, now_ms=0, roster=roster
    )
    conn.receive_data(data, 0)
    assert conn.closed or conn.events_received(), "a stranger's frame left it undecided"


TARGETS: dict[str, Callable[[bytes], None]] = {
    "envelope": envelope,
    "roster": roster,
    "bundle": bundle,
}
#: the decoders a seed must pass *without* an error (the corpus is valid input)
STRICT: dict[str, Callable[[bytes], object]] = {
    "envelope": Envelope.decode,
    "roster": Roster.decode,
    "bundle": read_bundle,
}
