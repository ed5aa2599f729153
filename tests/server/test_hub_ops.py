"""Operations: health, readiness, metrics, unsafe persistence, configuration errors."""

from __future__ import annotations

import ssl
from pathlib import Path

import aiohttp
import pytest

from hotline.server.app import create_app
from hotline.server.appkeys import HEALTH
from hotline.server.config import ConfigError, Settings
from hotline.server.redis_process import RedisProcess
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
            assert await rs.wait_connected(10)
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
    unsafe = RedisProcess(tmp_path / "unsafe", appendonly=False).start()
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
        unsafe.stop()


def test_config_errors_name_the_fix(home: Path) -> None:
    with pytest.raises(ConfigError, match=r"plain ws on 0\.0\.0\.0 is not allowed"):
        Settings.load(home, {"host": "0.0.0.0", "tls_cert": "", "tls_key": ""}, env={})
    with pytest.raises(ConfigError, match="unknown hub setting"):
        Settings.load(home, {"colour": "red"}, env={})
    with pytest.raises(ConfigError, match="tls_cert and tls_key go together"):
        Settings.load(home, {"tls_key": ""}, env={})
    with pytest.raises(ConfigError, match="is not a valid int"):
        Settings.load(home, env={"HOTLINE_HUB_PORT": "eighty"})
    s = Settings.load(home, env={"HOTLINE_HUB_PORT": "9999", "HOTLINE_HUB_ALLOW_PLAIN": "yes"})
    assert s.port == 9999 and s.allow_plain
    (home / "hotline.toml").write_text("[hub\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(home, env={})


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
