"""A Streams on the suite's Redis with a consumer group for three parties' officers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hotline.server.redis_process import RedisProcess
from hotline.server.streams import Streams


@pytest.fixture
async def s(redis_server: RedisProcess) -> AsyncIterator[Streams]:
    streams = Streams.open(redis_server.url)
    for p in ("HR", "BA", "MK"):
        await streams.inbox.ensure_group(p, f"{p}/officer-1")
    try:
        yield streams
    finally:
        await streams.close()
