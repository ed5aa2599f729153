"""The hub's signer: what it signs, and its memory of its own recent events."""

from __future__ import annotations

from hotline.protocol import SigningKey
from hotline.protocol.events import LogEvent
from hotline.server import event_log
from hotline.server.event_log import HubSigner


def _signer() -> HubSigner:
    return HubSigner(SigningKey(bytes(range(32))), "HUB/hub-1")


def test_an_own_event_is_recalled_once_as_signed_with_its_note() -> None:
    s = _signer()
    note = object()
    data = s.event("accepted", 5, b"envelope", note=note, rv=3)
    own = s.recall(data)
    assert own is not None and own.note is note
    assert own.event == LogEvent.decode(data)  # the checkpointer may use it for the bytes
    own.event.verify(s.key.verify_key)
    assert s.recall(data) is None  # forgotten: a second copy in Redis is checked in full


def test_other_bytes_are_not_recalled() -> None:
    s = _signer()
    data = s.event("accepted", 5, b"envelope")
    assert s.recall(data[:-1] + bytes([data[-1] ^ 1])) is None
    assert s.recall(_signer().event("accepted", 6, b"envelope")) is None


def test_the_memory_is_bounded_oldest_first() -> None:
    s = _signer()
    first, second = s.event("accepted", 0, b""), s.event("accepted", 1, b"")
    for i in range(2, event_log.RECENT + 1):
        s.event("accepted", i, b"")
    assert s.recall(first) is None and s.recall(second) is not None
