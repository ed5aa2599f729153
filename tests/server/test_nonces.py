"""The REST nonce memory (server/nonces.py): a replay within the window is refused."""

from __future__ import annotations

from hotline.server.nonces import NonceMemory


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_nonce_is_fresh_once_within_the_window() -> None:
    clock = Clock()
    seen = NonceMemory(30_000, clock)
    assert seen.fresh(b"a" * 16)
    clock.now += 59  # a signed request is valid ±30 s: kept for twice that
    assert not seen.fresh(b"a" * 16)
    assert seen.fresh(b"b" * 16)


def test_a_nonce_is_forgotten_once_no_request_could_carry_it() -> None:
    clock = Clock()
    seen = NonceMemory(30_000, clock)
    assert seen.fresh(b"a" * 16)
    clock.now += 61  # older than the window on either side: the time check refuses it first
    assert seen.fresh(b"a" * 16)


def test_the_memory_is_bounded_oldest_first() -> None:
    seen = NonceMemory(30_000, Clock(), limit=3)
    for n in (b"1", b"2", b"3", b"4"):
        assert seen.fresh(n)
    assert seen.fresh(b"1")  # the oldest went to make room
    assert not seen.fresh(b"4")  # the newest is still held
