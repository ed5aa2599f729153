"""Every bounded wait of the suite that has no event to wait on, in one place.

A test waits on an event where the code gives one: an ``asyncio.Event``, a client's
subscription queue (``next_event``), a future, a task — with ``asyncio.wait_for(x, T)``.
Where there is none — state in another process (an HTTP endpoint, a SQLite file, Redis) or
an attribute the code under test sets without signalling — the helpers here re-check the
condition with a short pause between checks until a deadline, then fail naming what did
not happen. The pause is not synchronisation: it only spaces the checks; the condition
decides. This is the one place that pause is written.

Every timeout is in seconds already scaled by ``TIMEOUT_FACTOR`` (write ``10 * TIMEOUT_FACTOR``
or a module's ``T``); the defaults here are scaled.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tests.conftest import TIMEOUT_FACTOR

__all__ = ["TIMEOUT_FACTOR", "next_event", "texts_until", "wait_until", "wait_until_blocking"]

X = TypeVar("X")

DEFAULT = 10 * TIMEOUT_FACTOR
_PAUSE = 0.01  # between two checks of a condition nothing signals


async def wait_until(
    cond: Callable[[], bool | Awaitable[bool] | Any],
    timeout: float = DEFAULT,
    what: str = "condition",
    every: float = _PAUSE,
) -> None:
    """Until ``cond()``, a plain or an async predicate, holds; AssertionError after ``timeout``.

    ``every`` spaces the checks of a costly condition (one that reads every store).
    """
    deadline = time.monotonic() + timeout
    while True:
        got = cond()
        if inspect.isawaitable(got):
            got = await got
        if got:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(every)


def wait_until_blocking(
    cond: Callable[[], X], timeout: float = DEFAULT, what: str = "condition", max_pause: float = 0.2
) -> X:
    """The same for a thread or a sync test (another process's state); returns ``cond()``'s value.

    The pause doubles up to ``max_pause``: a child process that takes seconds to start is
    not asked a hundred times a second.
    """
    deadline = time.monotonic() + timeout
    pause = _PAUSE
    while True:
        got = cond()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(pause)
        pause = min(pause * 2, max_pause)


async def next_event(
    q: asyncio.Queue[Any],
    match: type[X] | Callable[[Any], bool],
    timeout: float = DEFAULT,
) -> X:
    """The next event on a client's queue of type ``match`` (or satisfying it); others are skipped.

    ``timeout`` bounds each wait for one more event.
    """
    while True:
        ev = await asyncio.wait_for(q.get(), timeout)
        if isinstance(ev, match) if isinstance(match, type) else match(ev):
            return ev  # type: ignore[no-any-return]


async def texts_until(q: asyncio.Queue[Any], last: str, timeout: float = DEFAULT) -> list[str]:
    """Every hotline message text a client shows, up to and including ``last``, in order."""
    from hotline.client.events import MessageReceived

    shown: list[str] = []
    while last not in shown:
        ev = await next_event(q, MessageReceived, timeout)
        shown.append(ev.message.body["text"])
    return shown
