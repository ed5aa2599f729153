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

__all__ = ["TARGETS"]


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


TARGETS: dict[str, Callable[[bytes], None]] = {
    "envelope": envelope,
    "roster": roster,
    "bundle": bundle,
}
