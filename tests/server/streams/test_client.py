"""The redis-py client: a bounded pool that makes commands wait, never fail."""

from __future__ import annotations

import asyncio

from hotline.server.redis_process import RedisProcess


async def test_the_redis_pool_is_bounded(redis_server: RedisProcess) -> None:
    """Many concurrent commands share a bounded pool: they wait, none fails."""
    from hotline.server.streams import Streams

    s = Streams.open(redis_server.url, max_connections=4)
    try:
        await s.inbox.ensure_group("HR", "HR/officer-1")
        results = await asyncio.gather(*(s.node.ping() for _ in range(200)))
        assert all(results)
        assert len(await s.raw.client_list()) <= 4  # Redis's own count of our connections
    finally:
        await s.close()
