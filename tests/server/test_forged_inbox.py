"""Issue 15 through a real hub: what an insider writes into an inbox is never shown.

Each attack writes straight into the hub's Redis, as someone with its password could.
The router's side (a spurious high id) is in test_router.py.
"""

from __future__ import annotations

from pathlib import Path

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.runtime.clock import now_ms
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import LOG, inbox_key
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub
from tests.server.helpers import rs_and_hr, send_routine_to_hr
from tests.waits import texts_until, wait_until

T = 15 * TIMEOUT_FACTOR


async def test_an_envelope_written_into_an_inbox_is_never_shown(
    home: Path, redis_server: RedisProcess
) -> None:
    """A validly signed envelope that bypasses the log (inbox ``d``) is not delivered."""
    h = Home(home)
    forged, _ = compose(
        h.device("RS/officer-1"),
        h.roster(now_ms()),
        recipients=("HR",),
        family="hotline_message",
        body={"text": "forged via the inbox", "lang": "en"},
        seq=77,
        now_ms=now_ms(),
    )
    hub = await start_hub(home, redis_server.url)
    try:
        async with rs_and_hr(home, hub.url, "before") as (rs, hr, q):
            fields = {"t": "env", "d": forged.encode(), "mid": forged.id.hex()}
            await hub.redis.xadd(inbox_key("HR"), fields)
            await send_routine_to_hr(rs, "after")  # behind the forged entry in HR's inbox
            assert await texts_until(q, "after", T) == ["after"]
            assert "forged via the inbox" not in [m.body.get("text") for m in hr.store.inbox()]
        assert hub.metrics.get("hotline_foreign_inbox_total", party="HR") == 1
    finally:
        await hub.stop()


async def test_a_reference_to_a_deleted_log_entry_is_not_delivered(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "RS", hub.url) as rs:
            assert await rs.wait_connected(T)
            await send_routine_to_hr(rs, "deleted")
            await send_routine_to_hr(rs, "kept")

        async def both_routed() -> bool:
            return int(await hub.redis.xlen(inbox_key("HR"))) == 2

        await wait_until(both_routed, T, "both messages in HR's inbox")
        routed = await hub.redis.xrange(inbox_key("HR"))
    finally:
        await hub.stop()
    await hub.redis.xdel(LOG, routed[0][0])  # an insider deletes it while the hub is down
    hub = await start_hub(home, redis_server.url, port=hub.port)  # a cold cache
    try:
        async with client(home, "HR", hub.url) as hr:
            q = hr.subscribe()
            assert await hr.wait_connected(T)
            assert await texts_until(q, "kept", T) == ["kept"]
        assert hub.metrics.get("hotline_foreign_inbox_total", party="HR") == 1
    finally:
        await hub.stop()
