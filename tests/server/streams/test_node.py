"""The Redis server itself: a hub refuses one that is not durable enough to promise on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hotline.server.app import create_app
from hotline.server.appkeys import HEALTH
from hotline.server.config import ConfigError, Settings
from hotline.server.redis_process import RedisProcess


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
