"""Periodic upkeep: backlog gauges for /metrics and inbox retention."""

from __future__ import annotations

import asyncio
import logging

from hotline.protocol import Unavailable
from hotline.runtime.clock import now_ms

from .metrics import Metrics
from .roster_store import RosterState
from .streams import Streams

__all__ = ["Gauges", "Retention"]

log = logging.getLogger("hotline.hub.upkeep")


class Gauges:
    """Backlog per party, every ``every_s``; cheap, and skipped while Redis is away."""

    def __init__(
        self, streams: Streams, roster: RosterState, metrics: Metrics, every_s: float = 5.0
    ) -> None:
        self.streams, self.roster, self.metrics, self.every_s = streams, roster, metrics, every_s

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            try:
                await self.sample()
            except Unavailable as exc:
                log.info("backlog gauges skipped: %s", exc)

    async def sample(self) -> None:
        for p in self.roster.current.parties:
            backlog = await self.streams.retention.backlog(p.code)
            self.metrics.set("hotline_stream_backlog", backlog, party=p.code)


class Retention:
    """Trim inboxes below what every device group still needs and older than retention.

    The log itself is never trimmed here: it is the audit trail.
    """

    def __init__(
        self,
        streams: Streams,
        roster: RosterState,
        metrics: Metrics,
        *,
        days: float,
        every_s: float,
    ) -> None:
        self.streams, self.roster, self.metrics = streams, roster, metrics
        self.days, self.every_s = days, every_s

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.every_s)
            try:
                await self.trim()
            except Unavailable as exc:
                log.info("retention skipped: %s", exc)

    async def trim(self) -> None:
        cutoff = now_ms() - int(self.days * 86_400_000)
        for p in self.roster.current.parties:
            n = await self.streams.retention.trim_inbox(p.code, cutoff)
            if n:
                self.metrics.inc("hotline_trimmed_total", n, party=p.code)
