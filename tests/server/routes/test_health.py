"""Liveness, readiness and metrics on their listeners; Redis down is unhealthy."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub
from tests.server.helpers import get_text


async def test_health_ready_metrics(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        code, body = await get_text(hub.http, home, "/healthz")
        assert code == 200 and '"appendfsync": "always"' in body
        code, body = await get_text(hub.http, home, "/readyz")
        assert code == 200 and "roster_version" in body
        async with client(home, "RS", hub.url) as rs:
            assert await rs.wait_connected(10 * TIMEOUT_FACTOR)
            await rs.send("HR", "link_test", {})
        code, _ = await get_text(hub.http, home, "/metrics")
        assert code == 404  # per-party figures are not on the public listener
        async with aiohttp.ClientSession() as s, s.get(hub.metrics_http + "/metrics") as r:
            code, text = r.status, await r.text()
        assert code == 200
        assert "hotline_accepted_total 1" in text
        assert "# TYPE hotline_delivery_latency_seconds histogram" in text
        assert "hotline_connections" in text
        redis_server.pause()
        try:
            code, body = await get_text(hub.http, home, "/healthz")
            assert code == 503 and "unhealthy" in body
        finally:
            redis_server.resume()
    finally:
        await hub.stop()
