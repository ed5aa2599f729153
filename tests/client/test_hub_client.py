"""The hub client's background tasks never die silently (issue 14 item 3).

A crash of the link (reader, writer, reconnect) or of the log watch is logged, shows as the
state "disconnected" and a security alert kept in the store (the console's alarm), and the
task restarts: the client is connected again without anyone restarting it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hotline.client.events import ConnectionChanged, Event, SecurityAlert
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub

T = 10 * TIMEOUT_FACTOR


async def _until(q: asyncio.Queue[Event], pred: object) -> Event:
    async with asyncio.timeout(T):
        while True:
            ev = await q.get()
            if pred(ev):  # type: ignore[operator]
                return ev


@pytest.mark.parametrize("task", ["link", "watch"])
async def test_a_crashed_client_task_is_surfaced_and_restarted(
    home: Path, redis_server: RedisProcess, task: str
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "HR", hub.url) as hr:
            assert await hr.wait_connected(T)
            q = hr.subscribe()
            hr._supervisor.inject(task, RuntimeError(f"injected into {task}"))
            down = await _until(q, lambda e: isinstance(e, ConnectionChanged))
            assert isinstance(down, ConnectionChanged) and down.state == "disconnected"
            assert task in down.detail
            alert = await _until(q, lambda e: isinstance(e, SecurityAlert))
            assert isinstance(alert, SecurityAlert) and "stopped receiving" in alert.detail
            assert any("stopped receiving" in a.detail for a in hr.store.alerts())
            handle = hr._supervisor.get(task)
            assert handle is not None and handle.state.crashes == 1
            if task == "link":  # the link comes back on its own
                await _until(
                    q, lambda e: isinstance(e, ConnectionChanged) and e.state == "connected"
                )
                assert hr.connected.is_set()
    finally:
        await hub.stop()
