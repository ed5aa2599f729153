"""Delivery end to end: two hubs, the feed API, offline backlog and retention.

The pump itself (window, acks, dead letters, stop) is tested in test_delivery.py, a
socket's last frames in test_ws.py, bursts in test_device_requests.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from hotline.client.compose import compose
from hotline.client.events import MessageReceived
from hotline.client.home import Home
from hotline.protocol import id_text
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import inbox_key
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import (
    HubProcess,
    client,
    signed_headers,
    start_hub,
)
from tests.waits import next_event, wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here


async def _request(
    hub_http: str,
    home: Path,
    method: str,
    path: str,
    device: str | None = None,
    body: bytes | None = None,
) -> tuple[int, dict[str, Any]]:
    ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
    headers = signed_headers(home, device, method, path, body=body or b"") if device else {}
    if body is not None:
        headers["Content-Type"] = "application/msgpack"
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, hub_http + path, data=body, headers=headers, ssl=ctx) as r,
    ):
        return r.status, await r.json()


async def test_two_hubs_two_parties_and_a_feed(home: Path, redis_server: RedisProcess) -> None:
    # two real hub processes sharing nothing but Redis
    hub_a = HubProcess(home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "a"})
    hub_b = HubProcess(home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "b"})
    await asyncio.to_thread(hub_a.start)
    await asyncio.to_thread(hub_b.start)
    try:
        async with client(home, "RS", hub_a.url) as rs, client(home, "HR", hub_b.url) as hr:
            hr_q = hr.subscribe()
            assert await rs.wait_connected(T) and await hr.wait_connected(T)
            res = await rs.send("HR", "hotline_message", {"text": "via hub A", "lang": "en"})
            assert res.status == "accepted"
            # a national feed posts through hub B's REST API: already signed and sealed
            h = Home(home)
            feed = h.device("RS/feed-1")
            env, _ = compose(
                feed,
                h.roster(time.time_ns() // 10**6),
                recipients=("HR",),
                family="cyber_incident",
                seq=1,
                now_ms=time.time_ns() // 10**6,
                body={"severity": "high", "sector": "energy", "summary": "DDoS on grid operator"},
            )
            code, out = await _request(
                f"https://127.0.0.1:{hub_b.port}", home, "POST", "/v1/messages", body=env.encode()
            )
            assert code == 201 and out["status"] == "accepted"
            code, again = await _request(
                f"https://127.0.0.1:{hub_b.port}", home, "POST", "/v1/messages", body=env.encode()
            )
            assert code == 200 and again["status"] == "duplicate"
            assert again["position"] == out["position"]
            got: dict[str, MessageReceived] = {}
            while len(got) < 2:
                ev = await asyncio.wait_for(hr_q.get(), T)
                if isinstance(ev, MessageReceived):
                    got[ev.message.family] = ev
            assert got["cyber_incident"].message.device == "RS/feed-1"
            assert got["hotline_message"].message.body["text"] == "via hub A"
            await hr.acknowledge(got["cyber_incident"].message.id)
            path = f"/v1/messages/{id_text(env.id)}/status"

            async def acknowledged() -> bool:  # as hub A tells the feed (over REST, no event)
                code, st = await _request(
                    f"https://127.0.0.1:{hub_a.port}", home, "GET", path, device="RS/feed-1"
                )
                assert code == 200, st
                return bool(st["recipients"]["HR"]["state"] == "acknowledged")

            await wait_until(acknowledged, T, "hub A to report HR's acknowledgement")
            code, denied = await _request(
                f"https://127.0.0.1:{hub_a.port}", home, "GET", path, device="ME/officer-1"
            )
            assert code == 403 and denied["code"] == "wrong_sender"
            code, noauth = await _request(f"https://127.0.0.1:{hub_a.port}", home, "GET", path)
            assert code == 401 and noauth["code"] == "auth_failed"
    finally:
        await asyncio.to_thread(hub_a.stop)
        await asyncio.to_thread(hub_b.stop)


async def test_offline_device_gets_backlog_in_order_and_trim_keeps_unacked(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "RS", hub.url) as rs:
            assert await rs.wait_connected(T)
            sent, positions = [], []
            for i in range(30):
                r = await rs.send(
                    "ME", "hotline_message", {"text": f"n{i}", "lang": "en"}, precedence="ROUTINE"
                )  # the routine lane (FLASH has its own: tests/server/test_urgent_lane.py)
                assert r.status == "accepted"
                sent.append(r.id)
                positions.append(r.position)
        # retention runs while ME has never connected: nothing unread may go
        streams = hub.streams

        async def all_routed() -> bool:  # the router copies the log to inboxes on its own
            return int(await streams.raw.xlen(inbox_key("ME"))) == 30

        await wait_until(all_routed, what="the router to copy all 30 into ME's inbox")
        trimmed = await streams.retention.trim_inbox(
            "ME", older_than_ms=time.time_ns() // 10**6 + 10**6
        )
        assert trimmed == 0
        assert await streams.raw.xlen(inbox_key("ME")) == 30
        async with client(home, "ME", hub.url) as me:
            q = me.subscribe()
            got = []
            while len(got) < 30:
                ev = await asyncio.wait_for(q.get(), T)
                if isinstance(ev, MessageReceived):
                    got.append(ev.message)
            assert [m.id for m in got] == sent  # per (sender, recipient) order
            assert [m.seq for m in got] == sorted(m.seq for m in got)
            await wait_until(lambda: me.store.outbox_count() == 0)

            async def unacked() -> list[str]:
                # of the 30 messages: ME's own receipts keep arriving in its inbox too,
                # each pending for a moment, so "nothing pending" is never a stable state
                got = await streams.raw.xpending_range(
                    inbox_key("ME"), "ME/officer-1", "-", "+", 1000
                )
                return [
                    p["message_id"].decode() for p in got if p["message_id"].decode() in positions
                ]

            async def all_acked() -> bool:
                return not await unacked()

            # generous: under a loaded CI box a reconnect (client heartbeat 5 s) may intervene
            with contextlib.suppress(AssertionError):
                await wait_until(all_acked, 30 * TIMEOUT_FACTOR, "ME/officer-1 to ack everything")
            left = await unacked()
            assert not left, (left, me.state, hub.metrics.render()[-3000:])
        # ME/officer-1 acked everything, but ME/feed-1 never read: still nothing trimmed
        assert await streams.retention.trim_inbox("ME", time.time_ns() // 10**6 + 10**6) == 0
    finally:
        await hub.stop()


@pytest.mark.parametrize("suite_home", ["classic_home"])
async def test_classic_suite_network(
    suite_home: str, request: pytest.FixtureRequest, redis_server: RedisProcess
) -> None:
    home: Path = request.getfixturevalue(suite_home)
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "AL", hub.url) as al, client(home, "MK", hub.url) as mk:
            q = mk.subscribe()
            assert await al.wait_connected(T)
            assert (await al.send("MK", "link_test", {})).status == "accepted"
            ev = await next_event(q, MessageReceived)
            assert ev.message.verified and ev.message.family == "link_test"
    finally:
        await hub.stop()
