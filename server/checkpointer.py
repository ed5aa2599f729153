"""Signs checkpoints over the log, one signer at a time (leased).

Before signing anything new, a fresh signer replays the whole log and checks it
against every earlier checkpoint's window leaves: a log edited in Redis is
reported loudly and never covered by a new signature.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from hotline.protocol import SigningKey, Unavailable
from hotline.protocol.audit import Checkpoint
from hotline.protocol.merkle import Frontier, leaf_hash
from hotline.runtime.backoff import Backoff, jittered
from hotline.runtime.clock import now_ms

from .metrics import Metrics
from .streams import CKPT_LEASE, LogEntry, Streams

__all__ = ["Checkpointer"]

log = logging.getLogger("hotline.hub.checkpoints")


class Checkpointer:
    def __init__(
        self,
        streams: Streams,
        key: SigningKey | None,
        hub: str,
        network: str,
        *,
        every: int,
        interval_s: float,
        owner: str,
        lease_ms: int,
        metrics: Metrics,
        on_alarm: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.streams = streams
        self.key = key
        self.hub = hub
        self.network = network
        self.every = every
        self.interval_s = interval_s
        self.owner = owner
        self.lease_ms = lease_ms
        self.metrics = metrics
        self.on_alarm = on_alarm
        self.lease = streams.lease(CKPT_LEASE, owner, lease_ms)
        self.integrity_error: str | None = None
        self.leader = False
        self._reset()

    def _reset(self) -> None:
        self.frontier = Frontier()
        self.pending: list[bytes] = []
        self.last_id = "0-0"
        self.indexed = False  # seen an entry carrying its leaf index (D4)
        self.last_sign = time.monotonic()

    async def run(self) -> None:
        backoff = Backoff()
        while True:
            try:
                if not await self.lease.take():
                    self.leader = False
                    await asyncio.sleep(jittered(self.lease_ms / 3000 * 1.25, 0.2))
                    continue
                if not self.leader:
                    await self._rebuild()
                    self.leader = True
                await self._step()
                backoff.reset()
            except Unavailable as exc:
                self.leader = False
                log.warning("checkpointer paused: %s", exc)
                await backoff.wait()

    def _alarm(self, message: str) -> None:
        """Stop signing for good: log, metric, and the hub's health (``/healthz`` 503)."""
        if self.integrity_error is not None:
            return
        self.integrity_error = message
        log.error("ALERT %s; no further checkpoints will be signed", message)
        self.metrics.set("hotline_log_integrity_ok", 0)
        self.on_alarm(message)

    def _check_index(self, e: LogEntry) -> None:
        """Each entry carries its leaf index ``n`` (D4): a gap or a missing one is foreign.

        Entries from before D4 have none; once one has, all later ones must.
        """
        i = self.frontier.size
        if e.index is None:
            if self.indexed:
                self._alarm(
                    f"log entry {i} (id {e.id}) has no leaf index: the hub did not write it"
                )
            return
        self.indexed = True
        if e.index != i:
            self._alarm(
                f"log entry {i} (id {e.id}) carries leaf index {e.index}: "
                "entries were inserted or removed"
            )

    async def _rebuild(self) -> None:
        self._reset()
        expected, _ = await self.streams.checkpoints.leaves()
        start = "-"
        while True:
            page = await self.streams.log.range(start, "+", count=2000)
            page = [e for e in page if e.id != start]
            if not page:
                break
            for e in page:
                leaf = leaf_hash(e.event)
                i = self.frontier.size
                if i < len(expected) and leaf != expected[i]:
                    self._alarm(
                        f"log entry {i} (id {e.id}) does not match the "
                        "signed checkpoints: the log was altered"
                    )
                self._check_index(e)
                self.frontier.append(leaf)
                if i >= len(expected):
                    self.pending.append(leaf)
                self.last_id = e.id
            start = page[-1].id
        if self.frontier.size < len(expected):
            self._alarm(
                f"the log has {self.frontier.size} entries but signed "
                f"checkpoints cover {len(expected)}: entries were removed"
            )

    async def _step(self) -> None:
        entries = await self.streams.log.read(self.last_id, 1000, 250)
        index: dict[str, int] = {}
        for e in entries:
            leaf = leaf_hash(e.event)
            self._check_index(e)
            if e.type == "accepted" and e.mid:
                index[e.mid] = self.frontier.size
            self.frontier.append(leaf)
            self.pending.append(leaf)
            self.last_id = e.id
        await self.streams.checkpoints.index_ids(index)
        forced = await self.streams.checkpoints.take_request()
        due = time.monotonic() - self.last_sign >= self.interval_s
        if self.pending and (forced or due or len(self.pending) >= self.every):
            await self._sign()

    async def _sign(self) -> None:
        if self.key is None or self.integrity_error:
            return
        prev = self.frontier.size - len(self.pending)
        cp = Checkpoint.make(
            self.key, self.network, self.hub, self.frontier.root(), now_ms(), prev, self.pending
        )
        await self.streams.checkpoints.add(cp.encode(), cp.size)
        self.metrics.inc("hotline_checkpoints_total")
        self.pending = []
        self.last_sign = time.monotonic()

    async def stop(self) -> None:
        await self.lease.release()
