"""Routing: copy the log into inboxes, in log order, one router at a time.

A hub routes only while it holds the lease; entries keep their log ids in the
inboxes, so a router that dies mid-batch is repaired by the next one simply
routing the same entries again (Redis refuses the duplicates).

A FLASH need not wait for it: an urgent accept or receipt appended while the log is
routed up to it routes itself in the same script (``APPEND_ROUTED``, the intake) and
moves the cursor; the router skips what lies at or below the cursor. It routes the rest
(routine traffic, in batches: cheaper per message), hub events, whatever follows an
entry it has not passed yet, and a Cluster's log.
Every writer of the cursor keeps one invariant — each log entry at or below it is in its
inboxes — so an inbox holds references in log order whoever wrote them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from hotline.protocol import Unavailable
from hotline.runtime import trace
from hotline.runtime.backoff import Backoff, jittered

from .metrics import Metrics
from .streams import ROUTER_LEASE, Streams, id_lt

__all__ = ["Notifier", "Router", "alert_foreign"]

log = logging.getLogger("hotline.hub.router")


def alert_foreign(metrics: Metrics, out_of_order: dict[str, int]) -> None:
    """Something above the log's ids sits in these inboxes: no router put it there.

    The references went in after it (nothing dropped); say so loudly.
    """
    for party, n in out_of_order.items():
        log.error("ALERT inbox of %s holds %d foreign entr(ies) above the log", party, n)
        metrics.inc("hotline_inbox_out_of_order_total", n, party=party)


def _trusted(cursor: str, metrics: Metrics) -> str:
    """The stored cursor, or "0-0" (skip nothing) if no router or append wrote it: not
    an id, or in the future. Skipping past it would leave accepted entries unrouted."""
    ms, dash, seq = cursor.partition("-")
    if ms.isdigit() and dash and seq.isdigit() and int(ms) <= time.time() * 1000 + 60_000:
        return cursor
    log.error("ALERT the routing cursor holds %r: not a log id any router wrote", cursor)
    metrics.inc("hotline_bad_cursor_total")
    return "0-0"


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
        self.lease = streams.lease(ROUTER_LEASE, owner, lease_ms)
        self.leader = False
        self.routed_once = asyncio.Event()

    async def run(self) -> None:
        backoff = Backoff()
        cursor: str | None = None
        while True:
            try:
                if not await self.lease.take():
                    self.leader, cursor = False, None
                    self.routed_once.set()  # a follower is ready too
                    await asyncio.sleep(jittered(self.lease_ms / 3000 * 1.25, 0.2))
                    continue
                if not self.leader or cursor is None:
                    cursor = await self.streams.routing.cursor()  # another router may have moved it
                    if _trusted(cursor, self.metrics) != cursor:
                        # From 0-0 would re-route what retention trimmed (redelivered as
                        # new); from there would skip or fail. Loud, until mended.
                        raise Unavailable(
                            "routing stopped: set hl:{log}:cursor to the id of the last "
                            'routed log entry (docs/reliability.md, "The routing cursor")'
                        )
                    self.leader = True
                cursor = await self._step(cursor)
                self.routed_once.set()
                backoff.reset()
            except Unavailable as exc:
                self.leader, cursor = False, None
                log.warning("router paused: %s", exc)
                await backoff.wait()

    async def _step(self, cursor: str) -> str:
        block = max(10, min(1000, self.lease_ms // 3))
        entries = await self.streams.log.read(cursor, 500, block)
        if not entries:
            return cursor
        # An append routes its own entry when the log was routed up to it (intake,
        # APPEND_ROUTED) and moves the cursor: what is at or below it is done.
        done = _trusted(await self.streams.routing.cursor(), self.metrics)
        if id_lt(cursor, done):
            entries = [e for e in entries if id_lt(done, e.id)]
            if not entries:
                return done
        res = await self.streams.routing.route(entries)
        if trace.enabled():
            for e in entries:
                trace.point("hub_routed", e.mid)
        alert_foreign(self.metrics, res.out_of_order)
        cursor = entries[-1].id
        if res.woke:
            self.on_routed(res.woke)  # this hub's pumps: at once
        await self.streams.routing.routed(cursor, res.woke, self.owner)
        self.metrics.inc("hotline_routed_total", len(entries))
        return cursor

    async def stop(self) -> None:
        await self.lease.release()


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
                    last = await self.streams.routing.notify_tail()
                last, parties = await self.streams.routing.read_notify(last, 1000, self.own)
                if parties:
                    self.on_notify(parties)
                backoff.reset()
            except Unavailable as exc:
                last = None
                log.warning("notifier paused: %s", exc)
                await backoff.wait()
