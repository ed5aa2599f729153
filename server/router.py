"""Routing: copy the log into inboxes, in log order, one router at a time.

A hub routes only while it holds the lease; entries keep their log ids in the
inboxes, so a router that dies mid-batch is repaired by the next one simply
routing the same entries again (Redis refuses the duplicates).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from redis.exceptions import RedisError

from hotline.protocol import ProtocolError
from hotline.runtime.backoff import Backoff, jittered

from .metrics import Metrics
from .streams import Streams

__all__ = ["Notifier", "Router"]

log = logging.getLogger("hotline.hub.router")


class Router:
    def __init__(
        self,
        streams: Streams,
        owner: str,
        lease_ms: int,
        metrics: Metrics,
        on_routed: Callable[[set[str]], None],
    ) -> None:
        self.streams = streams
        self.owner = owner
        self.lease_ms = lease_ms
        self.metrics = metrics
        self.on_routed = on_routed
        self.leader = False
        self.routed_once = asyncio.Event()

    async def run(self) -> None:
        backoff = Backoff()
        cursor: str | None = None
        while True:
            try:
                if not await self.streams.take_lease(self.owner, self.lease_ms):
                    self.leader, cursor = False, None
                    self.routed_once.set()  # a follower is ready too
                    await asyncio.sleep(jittered(self.lease_ms / 3000 * 1.25, 0.2))
                    continue
                if not self.leader or cursor is None:
                    cursor = await self.streams.get_cursor()  # another router may have moved it
                    self.leader = True
                cursor = await self._step(cursor)
                self.routed_once.set()
                backoff.reset()
            except (RedisError, ProtocolError, OSError) as exc:
                self.leader, cursor = False, None
                log.warning("router paused: %s", type(exc).__name__)
                await backoff.wait()

    async def _step(self, cursor: str) -> str:
        block = max(10, min(1000, self.lease_ms // 3))
        entries = await self.streams.read_log(cursor, 500, block)
        if not entries:
            return cursor
        parties = await self.streams.route(entries)
        cursor = entries[-1].id
        if parties:
            self.on_routed(parties)  # this hub's pumps: at once
        await self.streams.routed(cursor, parties, self.owner)
        self.metrics.inc("hotline_routed_total", len(entries))
        return cursor

    async def stop(self) -> None:
        await self.streams.release_lease(self.owner)


class Notifier:
    """Wakes this hub's connected devices when another hub routed to their party."""

    def __init__(
        self, streams: Streams, on_notify: Callable[[set[str]], None], own: str = ""
    ) -> None:
        self.streams = streams
        self.on_notify = on_notify
        self.own = own  # this hub's router instance: its notes woke our pumps already

    async def run(self) -> None:
        backoff = Backoff()
        last: str | None = None
        while True:
            try:
                if last is None:
                    last = await self.streams.notify_tail()
                last, parties = await self.streams.read_notify(last, 1000, self.own)
                if parties:
                    self.on_notify(parties)
                backoff.reset()
            except (RedisError, OSError) as exc:
                last = None
                log.warning("notifier paused: %s", type(exc).__name__)
                await backoff.wait()
