"""The demo's verification steps against a real hub: every party's ledger agrees."""

from __future__ import annotations

import time
from contextlib import AsyncExitStack
from pathlib import Path

from hotline.client.demo_verification import verification_scenario
from hotline.client.verification import build_view
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub
from tests.waits import wait_until


async def test_mixed_team_inspection_reaches_every_ledger(
    classic_home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(classic_home, redis_server.url)
    said: list[str] = []
    try:
        async with AsyncExitStack() as stack:
            clients = {}
            for p in ("HR", "RS", "BA", "ME", "XK"):
                c = await stack.enter_async_context(client(classic_home, p, hub.url))
                assert await c.wait_connected(10 * TIMEOUT_FACTOR)
                clients[f"{p}/officer-1"] = c
            await verification_scenario(clients, said.append, 0)
            assert any("inspection_report signed by HR, BA, ME accepted" in s for s in said)
            assert any("RS accepted, on time; within quota: 0 of 3 used in" in s for s in said)
            xk = clients["XK/officer-1"]  # a party that took no part still counts it

            def seen() -> bool:
                return len(build_view(xk.store, xk.roster, "XK", ["vienna-2011"], 0).reports) == 1

            await wait_until(seen, 15 * TIMEOUT_FACTOR, "the report at XK")
            now = time.time_ns() // 1_000_000
            view = build_view(xk.store, xk.roster, "XK", ["vienna-2011"], now)
            (st,) = view.ledgers["vienna-2011"].requests
            assert (st.requester, st.requested, st.state(now), st.late()) == (
                "HR",
                "RS",
                "accepted",
                False,
            )
            assert view.reports[0].problem is None
            assert view.reports[0].signers == ("BA/officer-1", "HR/officer-1", "ME/officer-1")
    finally:
        await hub.stop()
