"""Bounded REST reads: slow headers and trickled bodies closed at their deadlines, no 500s."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import start_hub
from tests.server.helpers import (
    DRIP_S,
    closed_within,
    raw,
)
from tests.waits import wait_until


async def test_slow_headers_and_bodies_are_closed_at_their_deadlines(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url, header_timeout_s=1.0, body_timeout_s=1.0)
    limit = 6 * TIMEOUT_FACTOR
    try:
        # TCP that never starts TLS: closed at the header deadline too (asyncio's is 60 s)
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.port)
        took, _ = await closed_within(reader, limit)
        assert took < 1.0 + 2.0 * TIMEOUT_FACTOR, took
        writer.close()

        # a request head that never ends: bytes keep coming, the deadline does not move
        reader, writer = await raw(hub, home)
        writer.write(b"GET /readyz HTTP/1.1\r\n")

        async def trickle_headers() -> None:
            for i in range(100):
                await asyncio.sleep(DRIP_S)
                writer.write(f"X-{i}: a\r\n".encode())

        drip = asyncio.create_task(trickle_headers())
        took, _ = await closed_within(reader, limit)
        drip.cancel()
        assert took < 1.0 + 2.0 * TIMEOUT_FACTOR, took
        writer.close()

        # a body that trickles: 408 request_timeout, then the connection is closed
        reader, writer = await raw(hub, home)
        writer.write(
            b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
            b"Content-Type: application/msgpack\r\n\r\n"
        )

        async def trickle_body() -> None:
            for _ in range(1000):
                writer.write(b"\x00")
                await asyncio.sleep(DRIP_S)

        drip = asyncio.create_task(trickle_body())
        took, data = await closed_within(reader, limit)
        drip.cancel()
        assert data.startswith(b"HTTP/1.1 408"), data[:200]
        assert json.loads(data.partition(b"\r\n\r\n")[2])["code"] == "request_timeout"
        assert took < 1.0 + 1.0 + 2.0 * TIMEOUT_FACTOR, took  # deadline + lingering read
        writer.close()

        # a body the peer gives up on: counted, not a 500, no traceback
        reader, writer = await raw(hub, home)
        writer.write(b"POST /v1/roster HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nabc")
        await writer.drain()
        writer.transport.abort()
        await wait_until(
            lambda: hub.metrics.get("hotline_rest_aborted_total") >= 1, what="the abort counted"
        )
        assert hub.metrics.get("hotline_internal_errors_total") == 0
        assert hub.metrics.get("hotline_rest_slow_bodies_total") == 1
    finally:
        await hub.stop()
