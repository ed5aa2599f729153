"""Per-device delivery: pending first, then new entries, within a credit window.

The window is the device's unacknowledged entries; the pump reads from the
inbox only while the window has room, so a slow device costs the hub at most
``window`` entries of memory per lane and never stalls anyone else: the rest
waits in Redis. Entries left unacknowledged longer than ``idle_ms`` are
reclaimed with XAUTOCLAIM and sent again; after ``max_deliveries`` they go to
the dead-letter stream with an alert instead of looping.

Two lanes: the urgent one (IMMEDIATE / FLASH) is read first, in the same
XREADGROUP, and has its own window, so a FLASH message never waits for a
routine backlog to be acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from hotline.protocol import Unavailable
from hotline.runtime import trace
from hotline.runtime.backoff import Backoff
from hotline.runtime.supervise import Supervised, Supervisor

from .loan import Loan
from .metrics import Metrics
from .streams import LANES, Foreign, InboxBatch, InboxEntry, Streams

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
        # delivery id -> sent at, per lane: the window is counted per lane
        self.lanes: dict[str, dict[str, float]] = {lane: {} for lane in LANES}
        self.to_ack: dict[str, set[str]] = {lane: set() for lane in LANES}
        self.event = asyncio.Event()
        # Acks are written by their own task: the connection's request worker hands them
        # over and goes on (a FLASH submit queued behind an ack frame does not wait for
        # its XACK), and ack frames that arrive meanwhile share one XACK.
        self._ack_ready = asyncio.Event()
        self._ack_lock = asyncio.Lock()
        # Parked: waiting for a wake-up, no read in flight. Only then may an append borrow
        # the next urgent read (server/loan.py), and the pump reads nothing until it is back.
        self._parked = False
        self._loan: Loan | None = None
        self._lent: Loan | None = None  # out until settled (what lent_back() waits for)
        self.retired = False  # a newer pump of this device reads instead

    @property
    def in_flight(self) -> dict[str, float]:
        """All deliveries awaiting an ack, both lanes."""
        return {**self.lanes["urgent"], **self.lanes["routine"]}

    def wake(self) -> None:
        self.event.set()

    @property
    def parked(self) -> bool:
        """Waiting for a wake-up with no read in flight (it may lend its next read)."""
        return self._parked

    def lend(self) -> Loan | None:
        """This pump's next urgent read, if it is parked with room in the urgent window."""
        room = self.window - len(self.lanes["urgent"])
        if not self._parked or self._loan is not None or room <= 0 or self.retired:
            return None
        self._loan = self._lent = Loan(self.party, self.device, room, self.wake)
        return self._loan

    def retire(self) -> None:
        """Lend no more reads (a newer pump of this device reads instead, or its session
        is closing)."""
        self.retired = True

    async def lent_back(self, timeout: float) -> bool:
        """Wait at most ``timeout`` s for a read lent out to come back; False if it did not.

        Why: what the read made this device's in the PEL must be there before another
        pump of the device sends its pending. Bounded, because the lender settles it in
        a ``finally`` that waits on Redis (its socket timeout: 5 s).
        """
        if self._lent is None or self._lent.settled:
            return True
        try:
            async with asyncio.timeout(timeout):
                await self._lent.settled_wait()
        except TimeoutError:
            return False
        return True

    def acked(self, ids: list[str]) -> None:
        """The device stored these; XACK them (batched, and retried until Redis has it)."""
        now = time.time()
        # The pump waits on a full window only; otherwise it has read all there is and
        # waking it would cost a Redis read that finds nothing.
        was_full = any(len(flying) >= self.window for flying in self.lanes.values())
        for i in ids:
            for lane, flying in self.lanes.items():
                if flying.pop(i, None) is not None:
                    self.to_ack[lane].add(i)
                    # log ids start with the accept time in ms: latency = ack − accept
                    self.metrics.observe_latency(max(0.0, now - int(i.split("-")[0]) / 1000))
                    break
            else:  # not sent on this connection (a late ack): XACK wherever it is
                for lane in LANES:
                    self.to_ack[lane].add(i)
        self._ack_ready.set()
        if was_full:
            self.wake()

    async def flush_acks(self) -> None:
        async with self._ack_lock:  # one XACK at a time: none counted or sent twice
            batch = {lane: sorted(ids) for lane, ids in self.to_ack.items() if ids}
            if not batch:
                return
            await self.streams.inbox.ack_lanes(self.party, self.device, batch)  # raises: kept
            for lane, ids in batch.items():
                self.to_ack[lane].difference_update(ids)
            n = len({i for ids in batch.values() for i in ids})
            self.metrics.inc("hotline_acked_total", n)

    async def ack_loop(self) -> None:
        """XACK what the device acknowledged; retried until Redis has it."""
        backoff = Backoff()
        while True:
            await self._ack_ready.wait()
            self._ack_ready.clear()
            try:
                await self.flush_acks()
                backoff.reset()
            except Unavailable as exc:
                log.warning("acks of %s waiting: %s", self.device, exc)
                self._ack_ready.set()  # the ids are kept: try again
                await backoff.wait()

    def spawn(self, supervisor: Supervisor, tag: str) -> list[Supervised]:
        """Run both loops under ``supervisor`` (kinds "pump" and "acks"); stop the handles."""
        return [
            supervisor.spawn(f"pump:{tag}", self.deliver_loop, kind="pump"),
            supervisor.spawn(f"acks:{tag}", self.ack_loop, kind="acks"),
        ]

    async def run(self) -> None:
        """Both loops, unsupervised, in this task: for tests and tools."""
        acker = asyncio.create_task(self.ack_loop(), name=f"acks:{self.device}")
        try:
            await self.deliver_loop()
        finally:
            acker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await acker

    async def deliver_loop(self) -> None:
        """Pending first, then new entries, for ever; a restart resends what is pending."""
        await self.streams.inbox.ensure_group(self.party, self.device)
        await self._send_pending()
        last_claim = time.monotonic()
        backoff = Backoff()
        resync = False
        while True:
            try:
                self.event.clear()
                if resync:
                    # A read may have reached Redis after our socket gave up on it: those
                    # entries are ours in the PEL but never left. Send them again now
                    # rather than after the idle timeout (the client deduplicates). The
                    # groups are made again in case Redis came back without them.
                    await self.streams.inbox.ensure_group(self.party, self.device)
                    await self._send_pending()
                    resync = False
                if await self._read_new():
                    continue  # a full batch: more may be waiting
                # Only a device with deliveries in flight can have idle ones to reclaim.
                flying = any(self.lanes.values())
                if flying and time.monotonic() - last_claim > self.idle_ms / 2000:
                    await self._reclaim()
                    last_claim = time.monotonic()
                backoff.reset()
                # The periodic look (timeout) covers a missed wake-up. Not wait_for: on
                # Python 3.11 it swallows a cancellation that lands as the event is set,
                # and the pump of a closed connection then runs on for ever.
                self._parked = True
                try:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.poll_s):
                            await self.event.wait()
                finally:
                    self._parked = False
                if await self._repaid():
                    # The append that borrowed the read failed (Redis away, or its answer
                    # lost): expected, not a fault of this device's; resend at once, no
                    # backoff (a read that did reach Redis made entries ours in the PEL).
                    log.info("delivery to %s: a lent read did not come back", self.device)
                    resync = True
            except Unavailable as exc:
                log.warning("delivery to %s paused: %s", self.device, exc)
                resync = True
                await backoff.wait()

    async def _repaid(self) -> bool:
        """Take back a lent read and deliver what it found; True if it failed (resync).

        Raises:
            Unavailable: Redis answered the read with an error (resync, after a backoff).
        """
        loan, self._loan = self._loan, None
        if loan is None:
            return False
        reply = await loan.back()
        if loan.failed:
            return True
        if reply is None:  # not sent (a Cluster, a script reloaded): the pump reads next
            return False
        batch = await self.streams.inbox.received(self.party, self.device, ("urgent",), reply)
        self.metrics.inc("hotline_lent_reads_total")
        await self._take(batch)
        return False

    async def _read_new(self) -> bool:
        """Read what the window has room for, urgent first; True if a lane came back full."""
        rooms = {lane: self.window - len(self.lanes[lane]) for lane in LANES}
        lanes = [lane for lane in LANES if rooms[lane] > 0]
        if not lanes:
            return False
        count = min(rooms[lane] for lane in lanes)
        batch = await self.streams.inbox.read(self.party, self.device, count, lanes=lanes)
        await self._take(batch)
        got = dict.fromkeys(lanes, 0)
        for x in (*batch.entries, *batch.foreign):
            got[x.lane] += 1
        return any(n == count for n in got.values())

    async def _send_pending(self) -> None:
        """Redeliver what this device had received but not acknowledged (reconnect)."""
        for lane in LANES:  # urgent first
            start = "0"
            while True:
                batch = await self.streams.inbox.read(
                    self.party, self.device, 200, start, lanes=(lane,)
                )
                if not batch.entries and not batch.foreign:
                    break
                self.metrics.inc("hotline_redeliveries_total", len(batch.entries))
                await self._take(batch)
                if batch.entries:  # foreign ones are acked: the next read skips them
                    start = batch.entries[-1].id

    async def _reclaim(self) -> None:
        for lane in LANES:
            if self.lanes[lane]:
                await self._reclaim_lane(lane)

    async def _reclaim_lane(self, lane: str) -> None:
        res = await self.streams.inbox.claim_idle(self.party, self.device, self.idle_ms, lane=lane)
        self._foreign(res.foreign)
        for e in res.entries:
            if e.deliveries > self.max_deliveries:
                await self.streams.inbox.dead_letter(
                    self.party, self.device, e, f"not acknowledged after {e.deliveries} tries"
                )
                self.lanes[lane].pop(e.id, None)
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

    async def _take(self, batch: InboxBatch) -> None:
        self._foreign(batch.foreign)
        for e in batch.entries:
            trace.point("hub_pump_read", e.mid, self.device)
            await self._deliver(e)

    def _foreign(self, foreign: list[Foreign]) -> None:
        """Inbox entries the router did not write: already dead-lettered; alert."""
        for x in foreign:
            self.lanes[x.lane].pop(x.id, None)
            self.metrics.inc("hotline_foreign_inbox_total", party=self.party)
            log.error(
                "ALERT foreign inbox entry %s for %s (%s): dead-lettered, not delivered",
                x.id,
                self.device,
                x.reason,
            )

    async def _deliver(self, e: InboxEntry) -> None:
        self.lanes[e.lane][e.id] = time.time()
        await self.send(e)
        self.metrics.inc("hotline_delivered_total")
