"""The one jittered exponential backoff."""

from __future__ import annotations

import asyncio

import pytest

from hotline.runtime.backoff import Backoff, jittered
from tests.conftest import TIMEOUT_FACTOR


def test_delays_grow_by_the_factor_and_stop_at_the_cap() -> None:
    b = Backoff(0.1, 1.0, rng=lambda: 0.5)  # the middle of the jitter: no spread
    assert [round(b.next_delay(), 3) for _ in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    assert b.attempts == 6
    b.reset()
    assert round(b.next_delay(), 3) == 0.1 and b.attempts == 1


def test_jitter_spreads_each_delay_within_its_bounds() -> None:
    low = Backoff(1.0, 1.0, jitter=0.5, rng=lambda: 0.0)
    high = Backoff(1.0, 1.0, jitter=0.5, rng=lambda: 0.999999)
    assert low.next_delay() == 0.5
    assert 1.49 < high.next_delay() < 1.5
    assert jittered(2.0, 0.25, rng=lambda: 0.0) == 1.5


def test_hold_continues_from_a_chosen_delay_within_the_cap() -> None:
    b = Backoff(0.2, 10.0, rng=lambda: 0.5)
    b.hold(10.0)
    assert b.next_delay() == 10.0
    b.hold(99.0)
    assert b.next_delay() == 10.0


def test_bad_parameters_are_refused() -> None:
    for kw in ({"base": 0.0}, {"base": 2.0, "cap": 1.0}, {"factor": 0.5}, {"jitter": 1.0}):
        with pytest.raises(ValueError):
            Backoff(**kw)  # type: ignore[arg-type]


async def test_wait_ends_early_when_the_stop_event_is_set() -> None:
    b = Backoff(30.0, 30.0)
    stop = asyncio.Event()
    waiter = asyncio.create_task(b.wait(stop))
    await asyncio.sleep(0)
    stop.set()
    assert await asyncio.wait_for(waiter, 5 * TIMEOUT_FACTOR) is True


async def test_wait_without_stop_sleeps_the_delay() -> None:
    b = Backoff(0.001, 0.001)
    assert await b.wait() is False


async def test_a_cancel_that_lands_as_the_event_is_set_is_not_swallowed() -> None:
    """asyncio.wait_for on 3.11 can return instead of raising here; wait() must not."""
    for _ in range(20):
        stop = asyncio.Event()
        task = asyncio.create_task(Backoff(30.0, 30.0).wait(stop))
        await asyncio.sleep(0)
        stop.set()
        task.cancel()
        await asyncio.wait({task}, timeout=5 * TIMEOUT_FACTOR)
        assert task.cancelled()
