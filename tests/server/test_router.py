"""The router through a real hub: an insider's spurious inbox entry drops no later message."""

from __future__ import annotations

from pathlib import Path

from hotline.server.redis_process import RedisProcess
from hotline.server.streams import inbox_key
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub
from tests.server.helpers import send_routine_to_hr
from tests.waits import texts_until

T = 15 * TIMEOUT_FACTOR


async def test_a_spurious_inbox_entry_does_not_drop_the_next_messages(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "RS", hub.url) as rs, client(home, "HR", hub.url) as hr:
            q = hr.subscribe()
            assert await rs.wait_connected(T) and await hr.wait_connected(T)
            await send_routine_to_hr(rs, "m1")
            assert await texts_until(q, "m1", T) == ["m1"]
            spurious = {"t": "env", "mid": "9" * 32}
            await hub.redis.xadd(inbox_key("HR"), spurious, id="9999999999999-0")
            await send_routine_to_hr(rs, "m2")
            await send_routine_to_hr(rs, "m3")
            assert await texts_until(q, "m3", T) == ["m2", "m3"]  # both, in order (was: none)
        assert hub.metrics.get("hotline_inbox_out_of_order_total", party="HR") >= 2
        assert hub.metrics.get("hotline_foreign_inbox_total", party="HR") == 1
    finally:
        await hub.stop()
