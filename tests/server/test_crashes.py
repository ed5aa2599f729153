"""kill -9 of a hub and of redis-server mid-traffic: nothing accepted is lost or shown twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hotline.client.events import MessageReceived, SendResult
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import inbox_key
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import HubProcess, client, start_hub
from tests.waits import wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here

pytestmark = pytest.mark.slow


async def _send_many(c: object, n: int, to: str, tag: str, conc: int = 25) -> list[SendResult]:
    sem = asyncio.Semaphore(conc)

    async def one(i: int) -> SendResult:
        async with sem:
            return await c.send(
                to,
                "hotline_message",  # type: ignore[attr-defined]
                {"text": f"{tag}-{i}", "lang": "en"},
                timeout=2,
            )

    return list(await asyncio.gather(*(one(i) for i in range(n))))


@pytest.mark.timeout(180)
async def test_kill_hub_with_1000_in_flight(home: Path, redis_server: RedisProcess) -> None:
    hub = await asyncio.to_thread(
        HubProcess(home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "hub-a"}).start
    )
    try:
        async with client(home, "RS", hub.url) as rs, client(home, "HR", hub.url) as hr:
            q = hr.subscribe()
            assert await rs.wait_connected(T) and await hr.wait_connected(T)
            sender = asyncio.create_task(_send_many(rs, 1000, "HR", "k"))
            await wait_until(
                lambda: rs.store.outbox_count() < 900 and len(rs.store.sent()) > 150,
                60 * TIMEOUT_FACTOR,
                "traffic to flow",
            )
            await asyncio.to_thread(hub.kill)
            # same port, same instance: it takes its routing lease straight back; in a
            # thread, so the clients live through the outage instead of a frozen loop
            await asyncio.to_thread(hub.start)
            results = await sender
            assert len(results) == 1000
            assert await rs.flush(60 * TIMEOUT_FACTOR) == 0, "outbox drained after the restart"
            seen: list[str] = []
            while len(seen) < 1000:
                ev = await asyncio.wait_for(q.get(), 30 * TIMEOUT_FACTOR)
                if isinstance(ev, MessageReceived):
                    seen.append(ev.message.body["text"])
            assert len(seen) == len(set(seen)) == 1000  # none shown twice
            assert {f"k-{i}" for i in range(1000)} == set(seen)  # none lost
            assert len(hr.store.inbox(5000)) == 1000
    finally:
        await asyncio.to_thread(hub.stop)


@pytest.mark.timeout(180)
async def test_kill_redis_mid_traffic(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "RS", hub.url) as rs, client(home, "BA", hub.url) as ba:
            q = ba.subscribe()
            assert await rs.wait_connected(T) and await ba.wait_connected(T)
            first = await _send_many(rs, 100, "BA", "before")
            assert all(r.status == "accepted" for r in first)
            accepted_before = {r.id for r in first}
            groups_before = await hub.redis.xinfo_groups(inbox_key("BA"))
            sender = asyncio.create_task(_send_many(rs, 300, "BA", "during"))
            await wait_until(lambda: len(rs.store.sent()) > 150, 30 * TIMEOUT_FACTOR, "traffic")
            await asyncio.to_thread(redis_server.kill)
            await asyncio.to_thread(redis_server.restart)
            results = await sender
            assert await rs.flush(60 * TIMEOUT_FACTOR) == 0
            told_accepted = {r.id for r in results if r.status in ("accepted", "duplicate")}
            got: set[str] = set()
            while len(got) < 400:
                ev = await asyncio.wait_for(q.get(), 30 * TIMEOUT_FACTOR)
                if isinstance(ev, MessageReceived):
                    assert ev.message.id not in got
                    got.add(ev.message.id)
            assert accepted_before <= got and told_accepted <= got
            groups_after = await hub.redis.xinfo_groups(inbox_key("BA"))
            assert {g["name"] for g in groups_before} == {g["name"] for g in groups_after}
    finally:
        await hub.stop()
