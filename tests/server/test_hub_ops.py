"""Operations: health, readiness, metrics, unsafe persistence, TLS read buffers."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import aiohttp
import pytest

from hotline.server.app import create_app
from hotline.server.appkeys import HEALTH
from hotline.server.config import ConfigError, Settings
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub


async def _get(hub_http: str, home: Path, path: str) -> tuple[int, str]:
    ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
    async with aiohttp.ClientSession() as s, s.get(hub_http + path, ssl=ctx) as r:
        return r.status, await r.text()


async def test_health_ready_metrics(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        code, body = await _get(hub.http, home, "/healthz")
        assert code == 200 and '"appendfsync": "always"' in body
        code, body = await _get(hub.http, home, "/readyz")
        assert code == 200 and "roster_version" in body
        async with client(home, "RS", hub.url) as rs:
            assert await rs.wait_connected(10 * TIMEOUT_FACTOR)
            await rs.send("HR", "link_test", {})
        code, _ = await _get(hub.http, home, "/metrics")
        assert code == 404  # per-party figures are not on the public listener
        async with aiohttp.ClientSession() as s, s.get(hub.metrics_http + "/metrics") as r:
            code, text = r.status, await r.text()
        assert code == 200
        assert "hotline_accepted_total 1" in text
        assert "# TYPE hotline_delivery_latency_seconds histogram" in text
        assert "hotline_connections" in text
        redis_server.pause()
        try:
            code, body = await _get(hub.http, home, "/healthz")
            assert code == 503 and "unhealthy" in body
        finally:
            redis_server.resume()
    finally:
        await hub.stop()


async def test_unsafe_redis_persistence_is_refused(home: Path, tmp_path: Path) -> None:
    unsafe = await asyncio.to_thread(RedisProcess(tmp_path / "unsafe", appendonly=False).start)
    try:
        settings = Settings.load(home, {"redis_url": unsafe.url, "port": 0}, env={})
        app = create_app(settings)
        from aiohttp import web

        runner = web.AppRunner(app)
        with pytest.raises(ConfigError, match="appendonly is 'no'"):
            await runner.setup()
        await runner.cleanup()
        # an explicit override runs anyway (and says so in the log)
        settings = Settings.load(
            home, {"redis_url": unsafe.url, "allow_unsafe_redis": True}, env={}
        )
        app = create_app(settings)
        runner = web.AppRunner(app)
        await runner.setup()
        assert app[HEALTH].ready
        await runner.cleanup()
    finally:
        await asyncio.to_thread(unsafe.stop)


async def test_tls_connections_get_small_read_buffers(
    home: Path, redis_server: RedisProcess
) -> None:
    """The hub's own TLS transports use 32 KiB read buffers; nothing else is changed."""
    import asyncio.sslproto

    from hotline.server.tls import TLS_READ_BUFFER

    hub = await start_hub(home, redis_server.url)
    try:
        ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
        async with aiohttp.ClientSession() as s, s.get(hub.http + "/readyz", ssl=ctx) as r:
            assert r.status == 200
            server = hub.runner.server
            assert server is not None
            [conn] = server.connections  # the keep-alive connection of this request
            tls = conn.transport._ssl_protocol  # type: ignore[union-attr]
            assert len(tls._ssl_buffer) == TLS_READ_BUFFER < 256 * 1024
        # no process-wide patch: asyncio's own default is untouched
        assert asyncio.sslproto.SSLProtocol.max_size == 256 * 1024
    finally:
        await hub.stop()
