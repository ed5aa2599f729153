"""The delivery pump (server/delivery.py): its window, its acks, its dead letters, its stop."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import inbox_key
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import RawDevice, RawFrame, client, raw_frame, start_hub
from tests.waits import wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here


async def test_poison_entry_goes_to_dead_letter_with_alert(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(
        home, redis_server.url, redeliver_idle_ms=100, max_deliveries=3, poll_interval_s=0.05
    )
    try:
        async with client(home, "RS", hub.url) as rs:
            assert await rs.wait_connected(T)
            res = await rs.send("MK", "link_test", {})
            assert res.status == "accepted"
        # a broken MK console: receives, never acknowledges
        async with RawDevice(hub.url, home, "MK/officer-1") as mk:
            deliveries = 0
            deadline = time.monotonic() + 15 * TIMEOUT_FACTOR
            while not hub.metrics.get("hotline_dead_letters_total", party="MK"):
                assert time.monotonic() < deadline, "never dead-lettered"
                try:
                    frame = RawFrame.of(await asyncio.wait_for(mk.ws.recv(), 0.2))
                except TimeoutError:
                    continue
                deliveries += frame.type == "deliver"
            assert deliveries == 3
        dlq = await hub.redis.xrange(inbox_key("MK") + ":dlq")
        assert len(dlq) == 1 and dlq[0][1][b"device"] == b"MK/officer-1"
        pend = await hub.redis.xpending(inbox_key("MK"), "MK/officer-1")
        assert pend["pending"] == 0  # no silent loop
        log = await hub.streams.log.range()
        assert any(e.type == "dead_letter" for e in log)  # audited
    finally:
        await hub.stop()


def _pump(streams: Any, send: Any) -> Any:
    """HR/officer-1's delivery pump: window 16, no reclaim or poll during a test."""
    from hotline.server.delivery import DeliveryPump
    from hotline.server.metrics import Metrics

    async def nowhere(*_a: Any) -> None:
        return None

    return DeliveryPump(
        streams,
        "HR",
        "HR/officer-1",
        send,
        window=16,
        idle_ms=30_000,
        max_deliveries=3,
        poll_s=30,
        metrics=Metrics(),
        on_dead_letter=nowhere,
    )


async def test_a_pump_cancelled_as_it_is_woken_stops(redis_server: RedisProcess) -> None:
    """A wake-up and a cancel in the same loop turn: the pump must still stop.

    asyncio.wait_for on Python 3.11 returns the event instead of raising the cancel in
    that case; a pump built on it kept running after its connection had closed.
    """
    from hotline.server.streams import Streams

    streams = Streams.open(redis_server.url)

    async def nowhere(*_a: Any) -> None:
        return None

    try:
        for _ in range(20):  # a race: try it often
            pump = _pump(streams, nowhere)
            task = asyncio.create_task(pump.run())
            # parked on its wake-up event (CPython keeps the waiters in _waiters)
            await wait_until(lambda p=pump: len(p.event._waiters) == 1, what="the pump to park")
            pump.wake()
            task.cancel()
            await asyncio.wait({task}, timeout=5 * TIMEOUT_FACTOR)
            ran_on = not task.done()
            task.cancel()  # (a second cancel, so a failing run does not leak the task)
            assert not ran_on and task.cancelled(), "the pump ran on after its cancel"
    finally:
        await streams.raw.aclose()


async def test_acks_are_written_by_the_pump_and_coalesce(redis_server: RedisProcess) -> None:
    """The request path hands acks over; acks arriving during an XACK share the next one."""
    from hotline.protocol.events import LogEvent
    from hotline.server.streams import Streams

    streams = Streams.open(redis_server.url)
    calls: list[dict[str, list[str]]] = []
    gate = asyncio.Event()
    real = streams.inbox.ack_lanes

    async def gated(party: str, device: str, by_lane: dict[str, list[str]]) -> int:
        """Real Redis; the XACKs are recorded and held until the gate opens."""
        calls.append({k: list(v) for k, v in by_lane.items()})
        await gate.wait()
        return await real(party, device, by_lane)

    streams.inbox.ack_lanes = gated  # type: ignore[method-assign]
    sent: list[str] = []

    async def send(e: Any) -> None:
        sent.append(e.id)

    await streams.inbox.ensure_group("HR", "HR/officer-1")
    for i in range(3):
        ev = LogEvent("accepted", 1, "HUB/hub-1", b"payload %d" % i, {}).encode()
        res = await streams.log.accept(f"{i:032x}", "d", "RS", ("HR",), ev, ("HR",))
        await streams.routing.route(await streams.log.range(res.position, res.position))
    pump = _pump(streams, send)
    task = asyncio.create_task(pump.run())
    try:
        await wait_until(lambda: len(sent) == 3, what="three deliveries")
        pump.acked(sent[:1])
        await wait_until(lambda: len(calls) == 1, what="the first XACK to start")
        pump.acked(sent[1:2])  # both arrive while the first XACK is held
        pump.acked(sent[2:])
        gate.set()

        async def all_acked() -> bool:
            return await streams.inbox.pending("HR", "HR/officer-1") == 0

        await wait_until(all_acked, what="every ack in Redis")
        assert calls == [{"routine": sent[:1]}, {"routine": sent[1:]}]
    finally:
        task.cancel()
        await asyncio.wait({task}, timeout=5 * TIMEOUT_FACTOR)
        await streams.close()


async def test_a_submit_behind_an_ack_does_not_wait_for_its_xack(
    home: Path, redis_server: RedisProcess
) -> None:
    """A device's ack frames are handed to its pump: its next request is served at once."""
    hub = await start_hub(home, redis_server.url)
    streams = hub.streams
    gate = asyncio.Event()
    real = streams.inbox.ack_lanes

    async def held(party: str, device: str, by_lane: dict[str, list[str]]) -> int:
        await gate.wait()  # Redis is slow to take this XACK
        return await real(party, device, by_lane)

    try:
        async with (
            client(home, "RS", hub.url) as rs,
            RawDevice(hub.url, home, "HR/officer-1") as hr,
        ):
            assert await rs.wait_connected(T)
            assert (await rs.send("HR", "link_test", {})).status == "accepted"
            while True:
                f = RawFrame.of(await asyncio.wait_for(hr.ws.recv(), T))
                if f.type == "deliver":
                    break
            streams.inbox.ack_lanes = held  # type: ignore[method-assign]
            await hr.ws.send(raw_frame("ack", deliveries=[f["delivery"]]))
            h = Home(home)
            t = time.time_ns() // 1_000_000
            env, _ = compose(
                h.device("HR/officer-1"),
                h.roster(t),
                recipients=("RS",),
                family="link_test",
                body={},
                seq=1,
                now_ms=t,
            )
            answer = await hr.submit(env.encode())  # waits at most 10 s
            assert answer.type == "accepted"  # while the XACK is still held
            gate.set()

            async def acked() -> bool:  # that entry (HR's own submit comes back to it too)
                d = f["delivery"]
                left = await streams.raw.xpending_range(inbox_key("HR"), "HR/officer-1", d, d, 1)
                return not left

            await wait_until(acked, what="the held XACK to land")
    finally:
        gate.set()
        await hub.stop()
