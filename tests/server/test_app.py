"""Every hub task runs supervised: a crash shows on /healthz and in a metric, then restarts."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import aiohttp

from hotline.client.events import MessageReceived
from hotline.server.appkeys import SUPERVISOR
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import InProcessHub, client, start_hub
from tests.waits import wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here

HUB_TASKS = ("router", "notifier", "checkpointer", "gauges", "retention")
CONNECTION_TASKS = ("pump", "acks")  # one of each per connected receiving device


async def _health(hub: InProcessHub, home: Path) -> tuple[int, dict[str, Any]]:
    ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
    async with aiohttp.ClientSession() as s, s.get(hub.http + "/healthz", ssl=ctx) as r:
        return r.status, await r.json()


def _task(hub: InProcessHub, kind: str, device: str = "") -> str:
    names = [
        st.name
        for st in hub.app[SUPERVISOR].states()
        if st.kind == kind and device in st.name and st.running
    ]
    assert len(names) == 1, (kind, names)
    return names[0]


async def test_each_hub_task_crash_is_surfaced_and_restarted(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(
        home, redis_server.url, task_restart_s=0.05, task_crash_hold_s=3600, checkpoint_every=1
    )
    sup = hub.app[SUPERVISOR]
    try:
        async with client(home, "RS", hub.url) as rs, client(home, "HR", hub.url) as hr:
            q = hr.subscribe()
            assert await rs.wait_connected(T) and await hr.wait_connected(T)
            assert await _health(hub, home) == (200, (await _health(hub, home))[1])
            crashed: set[str] = set()
            for kind in (*HUB_TASKS, *CONNECTION_TASKS):
                name = _task(hub, kind, "HR/" if kind in CONNECTION_TASKS else "")
                sup.inject(name, RuntimeError(f"injected into {kind}"))
                handle = sup.get(name)
                assert handle is not None
                await wait_until(
                    lambda h=handle: h.state.crashes == 1 and h.state.running,
                    T,
                    f"{kind} to crash and be restarted",
                )
                crashed.add(kind)
                code, body = await _health(hub, home)
                assert code == 503 and body["code"] == "task_crashed", body
                assert set(body["tasks"]) == crashed, body
                assert body["tasks"][kind] == {"crashes": 1, "down": False}
                assert "RuntimeError" not in str(body)  # the log has it, the peer does not
                assert hub.metrics.get("hotline_task_crashes_total", task=kind) == 1
            # and the restarted tasks do their work: routed, pumped, acked
            for i in range(3):
                res = await rs.send("HR", "hotline_message", {"text": f"after {i}", "lang": "en"})
                assert res.status == "accepted"
            got = 0
            while got < 3:
                ev = await asyncio.wait_for(q.get(), T)
                got += isinstance(ev, MessageReceived)

            async def acked() -> bool:
                return await hub.streams.inbox.pending("HR", "HR/officer-1") == 0

            await wait_until(acked, T, "HR's acks to reach Redis")
    finally:
        await hub.stop()
