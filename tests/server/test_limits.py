"""Per-device proof budgets, shared by REST and the device's websockets."""

from __future__ import annotations

from pathlib import Path

from hotline.server.appkeys import LOG_TREE
from hotline.server.limits import PROOF_BUDGET
from hotline.server.redis_process import RedisProcess
from tests.harness import RawDevice, raw_frame, start_hub
from tests.server.helpers import (
    assert_problem,
    call,
)
from tests.waits import wait_until


async def test_rest_proofs_spend_the_devices_budget(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        await wait_until(lambda: hub.app[LOG_TREE].latest is not None, what="a first checkpoint")
        n = hub.app[LOG_TREE].latest.size  # type: ignore[union-attr]
        q = f"from={n}&to={n}"
        for _ in range(PROOF_BUDGET):
            status, _, body, _ = await call(
                hub.http, home, "GET", "/v1/log/consistency", query=q, device="RS/officer-1"
            )
            assert status == 200, body
        status, ctype, body, _ = await call(
            hub.http, home, "GET", "/v1/log/consistency", query=q, device="RS/officer-1"
        )
        assert_problem(status, ctype, body, 429, "rate_limited")
        # another device has its own budget
        status, _, _, _ = await call(
            hub.http, home, "GET", "/v1/log/consistency", query=q, device="HR/officer-1"
        )
        assert status == 200
        # and the same device's websocket proofs draw from the one it spent
        async with RawDevice(hub.url, home, "RS/officer-1") as rs:
            frame = await rs.raw(raw_frame("consistency", **{"from": n, "to": n}))
            assert frame.type == "error" and frame["code"] == "rate_limited", frame.fields
    finally:
        await hub.stop()
