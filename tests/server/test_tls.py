"""The hub's TLS listeners: small read buffers per transport, no process-wide patch."""

from __future__ import annotations

import ssl
from pathlib import Path

import aiohttp

from hotline.server.redis_process import RedisProcess
from tests.harness import start_hub


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
