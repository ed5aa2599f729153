"""Where Redis errors enter the project's error tree: every public coroutine here.

``guarded(what)`` turns anything redis-py can raise for an unreachable or failing
server — ``RedisError`` (connection, timeout, response), ``RedisClusterException``,
raw ``OSError`` — into :class:`Unavailable` (``raise … from exc``), the transient
``unavailable`` code. Nothing outside ``server/streams`` catches a redis-py error.

It also repairs a redis-py hazard: a cancellation that lands inside a command can
come back as a ``ConnectionError`` (the disconnect that follows it fails) or vanish
in redis-py's own retry. A task being cancelled gets its ``CancelledError``, always,
or a pump of a closed connection runs on and a stopped task restarts.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from redis.exceptions import RedisClusterException, RedisError

from hotline.protocol import Unavailable

__all__ = ["REDIS_ERRORS", "guarded"]

REDIS_ERRORS: tuple[type[BaseException], ...] = (RedisError, RedisClusterException, OSError)

P = ParamSpec("P")
T = TypeVar("T")


def _cancel_pending() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def guarded(what: str) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Decorate a coroutine method: Redis failures become ``Unavailable(what)``."""

    def deco(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(fn)
        async def inner(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                result = await fn(*args, **kwargs)
            except REDIS_ERRORS as exc:
                if _cancel_pending():
                    raise asyncio.CancelledError from exc
                raise Unavailable(what) from exc
            if _cancel_pending():  # redis-py retried the command and lost the cancel
                raise asyncio.CancelledError
            return result

        inner.__guarded__ = True  # type: ignore[attr-defined]
        return inner

    return deco
