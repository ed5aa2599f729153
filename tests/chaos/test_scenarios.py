"""Accepted means delivered, exactly once on screen — under fire.

Each scenario records a history (sends, accepts, what every device showed), injects real
faults, heals, drains, and lets the checker count lost / unexpected / duplicated /
reordered messages. Short runs by default; `./test.sh --long tests/chaos` for the long ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from hotline.client.events import MessageReceived
from hotline.server.redis_process import RedisProcess, free_port
from hotline.server.streams import Streams, connect, inbox_key
from tests.chaos.conftest import PARTIES, Fleet, devices
from tests.chaos.history import History, drain, load
from tests.chaos.proxy import TcpProxy
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import HubProcess, client, start_hub
from tests.waits import wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here
PAUSE_S = 2.0  # how long the soak freezes Redis (SIGSTOP) when it picks that fault

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


async def _progress(h: History, planned: int, k: int) -> None:
    """Until k sixths of the planned sends have been attempted: fault k lands mid-traffic.

    Counted from the start, not from the last fault: the traffic runs on through each
    restart, so a count per fault would outrun the sends there are.
    """
    await h.until_sends(planned * k // 6, 60 * TIMEOUT_FACTOR)


def _assert_clean(res: dict[str, int]) -> None:
    assert res["accepted"] > 0, res
    assert (res["lost"], res["unexpected"], res["duplicates"]) == (0, 0, 0), res


async def test_1_hub_killed_5_times_under_load(
    chaos_home: Path, redis_server: RedisProcess, long_run: bool, record: Any
) -> None:
    hub = await asyncio.to_thread(
        HubProcess(chaos_home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "h"}).start
    )
    h = History()
    try:
        async with Fleet(chaos_home, hub.url, devices(21)) as clients:
            watchers = [h.watch(c) for c in clients]
            per = 60 if long_run else 12
            traffic = asyncio.create_task(load(h, clients[:20], PARTIES, per))
            for k in range(1, 6):
                await _progress(h, 20 * per, k)
                await asyncio.to_thread(hub.kill)
                h.faults.append("kill -9 hub")
                await asyncio.to_thread(hub.start)
            await traffic
            await drain(h, clients)
            res = h.check(clients)
            for w in watchers:
                w.cancel()
    finally:
        await asyncio.to_thread(hub.stop)
    record("hub-kill", res)
    _assert_clean(res)
    assert res["reordered"] == 0


async def test_2_redis_killed_5_times(
    chaos_home: Path, redis_server: RedisProcess, long_run: bool, record: Any
) -> None:
    hub = await start_hub(chaos_home, redis_server.url)
    h = History()
    try:
        async with Fleet(chaos_home, hub.url, devices(14)) as clients:
            watchers = [h.watch(c) for c in clients]
            per = 40 if long_run else 10
            traffic = asyncio.create_task(load(h, clients, PARTIES, per))
            groups_before = {
                p: {g["name"] for g in await hub.redis.xinfo_groups(inbox_key(p))} for p in PARTIES
            }
            for k in range(1, 6):
                await _progress(h, 14 * per, k)
                await asyncio.to_thread(redis_server.kill)
                h.faults.append("kill -9 redis")
                await asyncio.to_thread(redis_server.restart)
            await traffic
            await drain(h, clients)
            res = h.check(clients)
            groups_after = {
                p: {g["name"] for g in await hub.redis.xinfo_groups(inbox_key(p))} for p in PARTIES
            }

            async def pending_total() -> int:
                n = 0
                for c in clients:  # both lanes
                    n += await hub.streams.inbox.pending(c.device.party, c.device.id)
                return n

            # Everything is shown; the last acks may still be on their way to Redis
            # (an XACK refused while Redis was down is retried by the pump).
            async def acked() -> bool:
                return await pending_total() == 0

            with contextlib.suppress(AssertionError):
                await wait_until(acked, 15 * TIMEOUT_FACTOR, "the last acks to reach Redis")
            pending = await pending_total()
            for w in watchers:
                w.cancel()
    finally:
        await hub.stop()
    record("redis-kill", res | {"pending_after_drain": pending})
    _assert_clean(res)
    assert groups_after == groups_before  # consumer groups survive in the AOF
    assert pending == 0


async def test_negative_control_without_durability_the_checker_sees_loss(
    chaos_home: Path, tmp_path: Path, record: Any
) -> None:
    unsafe = await asyncio.to_thread(RedisProcess(tmp_path / "unsafe", appendonly=False).start)
    hub = await start_hub(chaos_home, unsafe.url, allow_unsafe_redis=True)
    h = History()
    try:
        senders = Fleet(chaos_home, hub.url, ["RS/officer-1", "AL/officer-1"])
        async with senders as s:
            await load(h, s, ["HR", "BA", "ME", "MK", "XK"], 15)
            # no AOF: everything accepted but not yet delivered is gone
            await asyncio.to_thread(unsafe.kill)
            h.faults.append("kill -9 redis (AOF off)")
            await asyncio.to_thread(unsafe.restart)
            async with Fleet(
                chaos_home,
                hub.url,
                ["HR/officer-1", "BA/officer-1", "ME/officer-1", "MK/officer-1", "XK/officer-1"],
            ) as r:
                watchers = [h.watch(c) for c in r]
                await drain(h, [*s, *r], timeout=5 * TIMEOUT_FACTOR)
                res = h.check([*s, *r])
                for w in watchers:
                    w.cancel()
    finally:
        await hub.stop()
        await asyncio.to_thread(unsafe.stop)
    record("negative-control", res)
    assert res["accepted"] == 30 and res["lost"] > 0  # the checker can see loss


async def test_3_redis_paused(
    chaos_home: Path, redis_server: RedisProcess, long_run: bool, record: Any
) -> None:
    hub = await start_hub(chaos_home, redis_server.url)
    h = History()
    accepted_at: list[float] = []
    pause_s = 10.0
    try:
        async with Fleet(chaos_home, hub.url, devices(7)) as clients:
            watchers = [h.watch(c) for c in clients]
            for c in clients:  # note when each "accepted" reaches its sender
                orig = c.outbox.on_accepted

                def hook(answers: list[Any], _o: Any = orig) -> None:
                    accepted_at.extend(time.monotonic() for _a in answers)
                    _o(answers)

                c.outbox.on_accepted = hook  # type: ignore[method-assign]
            tasks_before = {t for t in asyncio.all_tasks() if not t.done()}
            traffic = asyncio.create_task(load(h, clients, PARTIES, 30))
            await h.until_sends(20, 60 * TIMEOUT_FACTOR)  # mid-traffic: 20 of 210 sends
            redis_server.pause()
            t0 = time.monotonic()
            h.faults.append(f"SIGSTOP redis {pause_s:g} s")
            await asyncio.sleep(pause_s)  # the fault itself: Redis frozen for this long
            t1 = time.monotonic()
            redis_server.resume()
            await traffic
            await drain(h, clients)
            res = h.check(clients)
            during = [t for t in accepted_at if t0 + 0.2 < t < t1]
            r = hub.redis
            assert await r.ping()
            pool = r.connection_pool

            def busy() -> int:
                return len(getattr(pool, "_in_use_connections", ()))

            # Commands in flight (acks, reads) hold connections for a moment; a leaked
            # one never comes back. Wait (bounded) for the pool to settle, then look.
            with contextlib.suppress(AssertionError):
                await wait_until(lambda: busy() <= 8, 5 * TIMEOUT_FACTOR, "the pool to settle")
            in_use = busy()
            for w in watchers:
                w.cancel()
        # every connection closed: nothing of theirs may be left running on the hub side
        await wait_until(lambda: not len(hub.registry), T, "every connection to close")

        def still_running() -> set[asyncio.Task[Any]]:
            me = asyncio.current_task()
            return {t for t in asyncio.all_tasks() if not t.done() and t is not me} - tasks_before

        # cancelled tasks unwind over a few loop turns; a hanging one never does
        with contextlib.suppress(AssertionError):
            await wait_until(
                lambda: not still_running(), 5 * TIMEOUT_FACTOR, "cancelled tasks to unwind"
            )
        leftover = still_running()
    finally:
        await hub.stop()
    record(
        "redis-pause",
        res
        | {
            "accepted_during_pause": len(during),
            "pool_in_use_after": in_use,
            "tasks_left": len(leftover),
        },
    )
    _assert_clean(res)
    assert during == []  # nobody was told "accepted" while Redis was frozen
    assert in_use <= 8  # the background readers only; nothing leaked
    assert not leftover, leftover


async def test_4_blackholed_client_detected_and_redelivered(
    classic_home: Path, redis_server: RedisProcess, record: Any
) -> None:
    hub = await start_hub(classic_home, redis_server.url, heartbeat_s=1.0)
    proxy = await TcpProxy(hub.port).start()
    try:
        hr = client(classic_home, "HR", f"wss://127.0.0.1:{proxy.port}/v1/ws", heartbeat=1.0)
        q = hr.subscribe()
        async with client(classic_home, "RS", hub.url) as rs:
            await hr.start()
            assert await rs.wait_connected(T) and await hr.wait_connected(T)
            proxy.stall()  # no FIN, no RST: silence
            t0 = time.monotonic()
            sent = [(await rs.send("HR", "link_test", {"note": str(i)})).id for i in range(10)]
            await wait_until(
                lambda: "HR" not in {c.party for c in hub.registry.all()},
                5 * TIMEOUT_FACTOR,
                "the hub to notice the dead connection",
            )
            detected = time.monotonic() - t0
            seen: list[str] = []
            while len(seen) < 10:
                ev = await asyncio.wait_for(q.get(), 30 * TIMEOUT_FACTOR)
                if isinstance(ev, MessageReceived):
                    seen.append(ev.message.id)
            # A later message from the same sender: redeliveries go out before new entries,
            # so any duplicate of the ten shows before this marker does.
            marker = (await rs.send("HR", "link_test", {"note": "marker"})).id
            while True:
                ev = await asyncio.wait_for(q.get(), 30 * TIMEOUT_FACTOR)
                if isinstance(ev, MessageReceived):
                    if ev.message.id == marker:
                        break
                    seen.append(ev.message.id)
        await hr.close()
    finally:
        await proxy.stop()
        await hub.stop()
    record(
        "blackhole",
        {
            "detected_after_s": round(detected, 2),
            "heartbeat_s": 1.0,
            "sent": 10,
            "shown": len(seen),
            "duplicates": len(seen) - 10,
        },
    )
    assert detected < 1.0 * 2 + 1.0  # the configured heartbeat bound
    assert sorted(seen) == sorted(sent)


async def test_5_slow_consumer_does_not_slow_the_others(
    classic_home: Path, redis_server: RedisProcess, record: Any
) -> None:
    hub = await start_hub(classic_home, redis_server.url, send_queue=16)
    proxy = await TcpProxy(hub.port).start()
    proxy.delay_s = 0.15
    n = 120
    try:
        slow = client(classic_home, "HR", f"wss://127.0.0.1:{proxy.port}/v1/ws", heartbeat=20)
        sq = slow.subscribe()
        async with (
            client(classic_home, "RS", hub.url) as rs,
            client(classic_home, "BA", hub.url) as ba,
            client(classic_home, "ME", hub.url) as me,
        ):
            await slow.start()
            for c in (rs, ba, me, slow):
                assert await c.wait_connected(20 * TIMEOUT_FACTOR)
            fast_q = {"BA": ba.subscribe(), "ME": me.subscribe()}
            sent_at: dict[str, float] = {}
            lat: list[float] = []
            max_window = 0

            async def fast(name: str) -> None:
                got = 0
                while got < n:
                    ev = await asyncio.wait_for(fast_q[name].get(), 60 * TIMEOUT_FACTOR)
                    if isinstance(ev, MessageReceived):
                        got += 1
                        lat.append(time.monotonic() - sent_at.get(ev.message.id, time.monotonic()))

            watchers = [asyncio.create_task(fast("BA")), asyncio.create_task(fast("ME"))]
            for i in range(n):
                r = await rs.send("HR,BA,ME", "link_test", {"note": str(i)})
                sent_at[r.id] = time.monotonic()
                for conn in hub.registry.all():
                    if conn.party == "HR" and conn.pump:  # type: ignore[attr-defined]
                        max_window = max(
                            max_window,
                            len(conn.pump.in_flight),  # type: ignore[attr-defined]
                            conn.conn.pending(),  # type: ignore[attr-defined]
                        )  # type: ignore[attr-defined]
            await asyncio.gather(*watchers)
            slow_seen: set[str] = set()
            while len(slow_seen) < n:
                ev = await asyncio.wait_for(sq.get(), 120 * TIMEOUT_FACTOR)
                if isinstance(ev, MessageReceived):
                    slow_seen.add(ev.message.id)
        await slow.close()
    finally:
        await proxy.stop()
        await hub.stop()
    lat.sort()
    p99 = lat[int(len(lat) * 0.99) - 1]
    record(
        "slow-consumer",
        {
            "messages": n,
            "fast_p99_s": round(p99, 3),
            "slow_window_max": max_window,
            "slow_delivered": len(slow_seen),
        },
    )
    assert p99 < 1.0  # fast parties never waited on the slow one
    assert max_window <= 16  # the hub holds at most a window for the slow device
    assert slow_seen == set(sent_at)  # and it caught up with nothing lost


async def test_6_cancellation_storm_no_cross_talk(redis_server: RedisProcess, record: Any) -> None:
    proxy = await TcpProxy(redis_server.port).start()
    proxy.delay_s = 0.003
    streams = Streams.open(redis_server.url_for("127.0.0.1", proxy.port))
    import random

    rng = random.Random(5)
    mids = [f"{i:032x}" for i in range(200)]
    await streams.raw.hset(
        "hl:{log}:ids", mapping={m: f"{i}-0|d|P{i:03d}|R{i:03d}" for i, m in enumerate(mids)}
    )
    checked = cancelled = 0
    wrong: list[tuple[int, Any]] = []

    async def one(i: int) -> None:
        nonlocal checked
        meta = await streams.log.message_meta(mids[i])
        if meta is None or meta.sender != f"P{i:03d}" or meta.recipients != [f"R{i:03d}"]:
            wrong.append((i, meta))
        checked += 1

    try:
        for _round in range(20):
            tasks = [asyncio.create_task(one(rng.randrange(200))) for _ in range(50)]
            await asyncio.sleep(rng.random() * 0.01)
            for t in tasks:
                if rng.random() < 0.4 and not t.done():
                    t.cancel()
                    cancelled += 1
            await asyncio.gather(*tasks, return_exceptions=True)
        healthy = await streams.log.message_meta(mids[7])
    finally:
        await streams.close()
        await proxy.stop()
    record(
        "cancellation-storm",
        {"completed": checked, "cancelled": cancelled, "mismatched": len(wrong)},
    )
    assert wrong == [] and checked > 200 and cancelled > 50
    assert healthy is not None and healthy.sender == "P007"


def test_7_unsafe_persistence_refused(classic_home: Path, tmp_path: Path) -> None:
    unsafe = RedisProcess(tmp_path / "r", appendonly=False).start()
    try:
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "hotline.server",
                "--home",
                str(classic_home),
                "--port",
                str(free_port()),
                "--redis",
                unsafe.url,
            ],
            capture_output=True,
            text=True,
            timeout=60 * TIMEOUT_FACTOR,
            env={**os.environ, "HOTLINE_HUB_METRICS_PORT": "0"},
        )
    finally:
        unsafe.stop()
    assert r.returncode == 2
    assert "appendonly is 'no'" in r.stderr and "allow_unsafe_redis" in r.stderr
    assert "Traceback" not in r.stderr


async def test_8_truncated_aof_tail_is_reported_exactly(
    classic_home: Path, tmp_path: Path, record: Any
) -> None:
    redis = await asyncio.to_thread(RedisProcess(tmp_path / "r").start)
    hub = await start_hub(classic_home, redis.url, instance="j")
    ids = []
    async with client(classic_home, "RS", hub.url) as rs:
        assert await rs.wait_connected(T)
        for i in range(40):
            ids.append((await rs.send("HR", "link_test", {"note": str(i)})).id)
    await hub.stop()
    await asyncio.to_thread(redis.kill)
    aof = sorted((tmp_path / "r").rglob("*.aof"), key=lambda p: p.stat().st_size)[-1]
    size = aof.stat().st_size
    with open(aof, "r+b") as f:  # cut the tail: the disk lost the last writes
        f.truncate(int(size * 0.85))
    await asyncio.to_thread(redis.restart)
    r = connect(redis.url)
    present = {m for m in ids if await r.hexists("hl:{log}:ids", m.replace("-", ""))}
    truly_missing = sorted(m.replace("-", "") for m in ids if m not in present)
    await r.aclose()
    hub = await start_hub(classic_home, redis.url, instance="j")
    try:
        reported = sorted(hub.health.missing_accepted)
        import ssl

        import aiohttp

        ctx = ssl.create_default_context(cafile=str(classic_home / "hub" / "tls.crt"))
        async with aiohttp.ClientSession() as s, s.get(f"{hub.http}/healthz", ssl=ctx) as resp:
            health = (resp.status, await resp.json())
    finally:
        await hub.stop()
        await asyncio.to_thread(redis.stop)
    record("aof-truncated", {"sent": 40, "missing": len(truly_missing), "reported": len(reported)})
    assert truly_missing, "the cut should have removed some accepted messages"
    assert reported == truly_missing  # exactly which ids, loudly
    assert health[0] == 503 and sorted(health[1]["missing_accepted"]) == truly_missing


async def test_9_mixed_soak_with_rotating_faults(
    chaos_home: Path, redis_server: RedisProcess, long_run: bool, record: Any
) -> None:
    import random

    rng = random.Random(9)
    duration = float(os.environ.get("HOTLINE_SOAK_S", 600 if long_run else 20))
    hub = await asyncio.to_thread(
        HubProcess(chaos_home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "s"}).start
    )
    h = History()

    def usage(pid: int) -> tuple[int, int]:
        rss = int(
            next(
                ln
                for ln in Path(f"/proc/{pid}/status").read_text().splitlines()
                if ln.startswith("VmRSS")
            ).split()[1]
        )
        return rss, len(os.listdir(f"/proc/{pid}/fd"))

    try:
        async with Fleet(chaos_home, hub.url, devices(14)) as clients:
            watchers = [h.watch(c) for c in clients]
            before = usage(hub.proc.pid)  # type: ignore[union-attr]
            stop = asyncio.Event()
            traffic = asyncio.create_task(load(h, clients, PARTIES, 10**6, stop))
            end = time.monotonic() + duration
            while time.monotonic() < end:
                await asyncio.sleep(rng.uniform(3, 6) if not long_run else rng.uniform(10, 30))
                fault = rng.choice(["hub", "redis", "pause"])
                if fault == "hub":
                    await asyncio.to_thread(hub.kill)
                    await asyncio.to_thread(hub.start)
                elif fault == "redis":
                    await asyncio.to_thread(redis_server.kill)
                    await asyncio.to_thread(redis_server.restart)
                else:
                    redis_server.pause()
                    await asyncio.sleep(PAUSE_S)  # the fault itself: Redis frozen this long
                    redis_server.resume()
                h.faults.append(fault)
            stop.set()
            await traffic
            await drain(h, clients)
            res = h.check(clients)
            after = usage(hub.proc.pid)  # type: ignore[union-attr]
            for w in watchers:
                w.cancel()
    finally:
        await asyncio.to_thread(hub.stop)
    record(
        "soak",
        res
        | {
            "seconds": duration,
            "hub_rss_kib_before_after": [before[0], after[0]],
            "hub_fds_before_after": [before[1], after[1]],
            "fault_kinds": sorted(set(h.faults)),
        },
    )
    _assert_clean(res)
    assert res["faults"] >= 3


_ = signal
