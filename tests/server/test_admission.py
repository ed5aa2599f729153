"""Before authentication: websockets and connections capped per source address."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from hotline.server.admission import ConnectionGate
from hotline.server.metrics import Metrics
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import RawDevice, start_hub
from tests.server.helpers import (
    call,
    closed_within,
    tls_context,
)
from tests.waits import wait_until


async def test_unauthenticated_websockets_are_capped_per_address(
    home: Path, redis_server: RedisProcess
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    hub = await start_hub(home, redis_server.url, preauth_sockets_per_address=3)
    url, ctx = hub.url, tls_context(home)
    held = []
    try:
        for _ in range(3):
            ws = await connect(url, ssl=ctx)
            await ws.recv()  # the challenge: now it only waits (or pings)
            held.append(ws)
        assert hub.metrics.get("hotline_unauthenticated_sockets") == 3
        try:
            await connect(url, ssl=ctx)
            raise AssertionError("a fourth unauthenticated socket was admitted")
        except InvalidStatus as exc:
            resp = exc.response
            assert resp.status_code == 429
            assert resp.headers["Content-Type"] == "application/problem+json"
            assert json.loads(resp.body)["code"] == "rate_limited"
        assert hub.metrics.get("hotline_preauth_refused_total", scope="address") == 1
        await held.pop().close()
        await wait_until(
            lambda: hub.metrics.get("hotline_unauthenticated_sockets") == 2, what="a slot freed"
        )
        # an authenticated device leaves the count once its handshake is done
        async with RawDevice(url, home, "RS/officer-1"):
            await wait_until(
                lambda: hub.metrics.get("hotline_unauthenticated_sockets") == 2,
                what="the device authenticated",
            )
    finally:
        for ws in held:
            await ws.close()
        await hub.stop()


async def test_connections_are_capped_per_address_before_tls(
    home: Path, redis_server: RedisProcess
) -> None:
    """Past the cap a connection is closed at once, unanswered, even one that never
    starts TLS; the deadlines bound how long each of the others is held."""
    hub = await start_hub(home, redis_server.url, connections_per_address=3)
    held = []
    try:
        for _ in range(3):  # plain TCP on the TLS port: counted before any handshake
            held.append(await asyncio.open_connection("127.0.0.1", hub.port))
        await wait_until(lambda: hub.metrics.get("hotline_connections") == 3, what="3 counted")
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.port)
        took, data = await closed_within(reader, 5 * TIMEOUT_FACTOR)
        assert data == b"" and took < 1.0 * TIMEOUT_FACTOR, took  # not the 10 s deadline
        writer.close()
        assert hub.metrics.get("hotline_connections_refused_total", why="open") == 1
        held.pop()[1].close()
        await wait_until(lambda: hub.metrics.get("hotline_connections") == 2, what="one left")
        status, _ctype, body, _ = await call(hub.http, home, "GET", "/healthz")
        assert status == 200, body  # a slot is free again: served
    finally:
        for _r, w in held:
            w.close()
        await hub.stop()


def test_an_address_that_reconnects_too_fast_is_closed_at_once() -> None:
    """The connection rate per address: a burst, then the rate; each address its own."""
    now = [0.0]
    gate = ConnectionGate(1000, Metrics(), rate=2.0, burst=3, clock=lambda: now[0])
    assert [gate.admit("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert gate.admit("10.0.0.2")  # another address has its own bucket
    now[0] += 0.5  # one more token at 2 a second
    assert gate.admit("10.0.0.1") and not gate.admit("10.0.0.1")
    assert gate.metrics.get("hotline_connections_refused_total", why="rate") == 2
