"""Per-device delivery: pending first, then new entries, within a credit window.

The window is the device's unacknowledged entries; the pump reads from the
inbox only while the window has room, so a slow device costs the hub at most
``window`` entries of memory and never stalls anyone else: the rest waits in
Redis. Entries left unacknowledged longer than ``idle_ms`` are reclaimed with
XAUTOCLAIM and sent again; after ``max_deliveries`` they go to the dead-letter
stream with an alert instead of looping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable

from redis.exceptions import RedisError

from hotline.protocol import ProtocolError

from .metrics import Metrics
from .streams import InboxEntry, Streams

__all__ = ["DeliveryPump"]

log = logging.getLogger("hotline.hub.delivery")

Send = Callable[[InboxEntry], Awaitable[None]]


class DeliveryPump:
    """Feeds one device's connection from its consumer group."""

    def __init__(
        self,
        streams: Streams,
        party: str,
        device: str,
        send: Send,
        *,
        window: int,
        idle_ms: int,
        max_deliveries: int,
        poll_s: float,
        metrics: Metrics,
        on_dead_letter: Callable[[InboxEntry], Awaitable[None]],
    ) -> None:
        self.streams = streams
        self.party = party
        self.device = device
        self.send = send
        self.window = window
        self.idle_ms = idle_ms
        self.max_deliveries = max_deliveries
        self.poll_s = poll_s
        self.metrics = metrics
        self.on_dead_letter = on_dead_letter
        self.in_flight: dict[str, float] = {}
        self.to_ack: set[str] = set()
        self.event = asyncio.Event()

    def wake(self) -> None:
        self.event.set()

    def acked(self, ids: list[str]) -> None:
        """The device stored these; XACK them (batched, and retried until Redis has it)."""
        now = time.time()
        for i in ids:
            self.to_ack.add(i)
            if self.in_flight.pop(i, None) is not None:
                # log ids start with the accept time in ms: delivery latency = ack − accept
                self.metrics.observe_latency(max(0.0, now - int(i.split("-")[0]) / 1000))
        self.wake()

    async def flush_acks(self) -> None:
        if not self.to_ack:
            return
        ids = sorted(self.to_ack)
        await self.streams.ack(self.party, self.device, ids)  # raises: kept for next turn
        self.to_ack.difference_update(ids)
        self.metrics.inc("hotline_acked_total", len(ids))

    async def run(self) -> None:
        await self.streams.ensure_group(self.party, self.device)
        await self._send_pending()
        last_claim = time.monotonic()
        backoff = 0.05
        resync = False
        while True:
            try:
                self.event.clear()
                if resync:
                    # A read may have reached Redis after our socket gave up on it: those
                    # entries are ours in the PEL but never left. Send them again now
                    # rather than after the idle timeout (the client deduplicates).
                    await self._send_pending()
                    resync = False
                await self.flush_acks()
                room = self.window - len(self.in_flight)
                if room > 0:
                    entries = await self.streams.read_inbox(self.party, self.device, room)
                    for e in entries:
                        await self._deliver(e)
                    if len(entries) == room:
                        continue  # more may be waiting
                # Only a device with deliveries in flight can have idle ones to reclaim.
                if self.in_flight and time.monotonic() - last_claim > self.idle_ms / 2000:
                    await self._reclaim()
                    last_claim = time.monotonic()
                backoff = 0.05
                # The periodic look (timeout) covers a missed wake-up. Not wait_for: on
                # Python 3.11 it swallows a cancellation that lands as the event is set,
                # and the pump of a closed connection then runs on for ever.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_s):
                        await self.event.wait()
            except (RedisError, ProtocolError, OSError) as exc:
                log.warning("delivery to %s paused: %s", self.device, type(exc).__name__)
                resync = True
                await asyncio.sleep(backoff * (1 + random.random()))
                backoff = min(backoff * 2, 2.0)

    async def _send_pending(self) -> None:
        """Redeliver what this device had received but not acknowledged (reconnect)."""
        start = "0"
        while True:
            entries = await self.streams.read_inbox(self.party, self.device, 200, start)
            if not entries:
                return
            for e in entries:
                self.metrics.inc("hotline_redeliveries_total")
                await self._deliver(e)
            start = entries[-1].id

    async def _reclaim(self) -> None:
        res = await self.streams.claim_idle(self.party, self.device, self.idle_ms)
        for e in res.entries:
            if e.deliveries > self.max_deliveries:
                await self.streams.dead_letter(
                    self.party, self.device, e, f"not acknowledged after {e.deliveries} tries"
                )
                self.in_flight.pop(e.id, None)
                self.metrics.inc("hotline_dead_letters_total", party=self.party)
                log.error(
                    "ALERT dead-lettered %s for %s after %d deliveries",
                    e.id,
                    self.device,
                    e.deliveries,
                )
                await self.on_dead_letter(e)
                continue
            self.metrics.inc("hotline_redeliveries_total")
            await self._deliver(e)

    async def _deliver(self, e: InboxEntry) -> None:
        self.in_flight[e.id] = time.time()
        await self.send(e)
        self.metrics.inc("hotline_delivered_total")
