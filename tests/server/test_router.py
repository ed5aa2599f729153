"""The router: through a real hub, an insider's spurious inbox entry drops no later message;
beside appends that route themselves, inboxes keep log order."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.server.appkeys import ROUTER
from hotline.server.metrics import Metrics
from hotline.server.redis_process import RedisProcess
from hotline.server.router import Router
from hotline.server.streams import LOG, ROUTER_LEASE, Streams, inbox_key
from hotline.server.streams.keys import CURSOR
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import start_hub
from tests.server.helpers import rs_and_hr, send_routine_to_hr
from tests.waits import texts_until, wait_until

T = 15 * TIMEOUT_FACTOR


async def test_a_spurious_inbox_entry_does_not_drop_the_next_messages(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with rs_and_hr(home, hub.url, "m1") as (rs, _hr, q):
            spurious = {"t": "env", "mid": "9" * 32}
            await hub.redis.xadd(inbox_key("HR"), spurious, id="9999999999999-0")
            await send_routine_to_hr(rs, "m2")
            await send_routine_to_hr(rs, "m3")
            assert await texts_until(q, "m3", T) == ["m2", "m3"]  # both, in order (was: none)
        assert hub.metrics.get("hotline_inbox_out_of_order_total", party="HR") >= 2
        assert hub.metrics.get("hotline_foreign_inbox_total", party="HR") == 1
    finally:
        await hub.stop()


OPS = st.lists(st.sampled_from(["urgent", "routine", "plain", "event", "step"]), max_size=24)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40)
@given(ops=OPS)
def test_inboxes_keep_log_order_whoever_routes(redis_server: RedisProcess, ops: list[str]) -> None:
    """Appends that may route themselves (`urgent`), appends left to the router (`routine`,
    `plain`: without a hub to notify as, and events, which route nothing), router steps,
    in any order: once the router has caught up, every inbox of both lanes holds exactly
    its entries of the log, in log order, each once."""

    async def run() -> None:
        s = Streams.open(redis_server.url)
        await s.raw.flushall()
        router = Router(s, "hub-a", 30, Metrics(), lambda _parties: None)
        cursor = "0-0"
        try:
            for k, op in enumerate(ops):
                lane = "urgent" if op in ("urgent", "plain") else "routine"
                item = (f"{k:032x}", "d", "RS", ("HR",), b"e%d" % k, ("HR", "RS"), lane)
                if op == "step":
                    cursor = await router._step(cursor)
                elif op == "event":
                    await s.log.append_event("hub_start", b"x")
                else:
                    await s.log.accept_many([item], routed_by=None if op == "plain" else "hub-a")
            while (top := await s.raw.xrevrange(LOG, count=1)) and cursor != top[0][0].decode():
                cursor = await router._step(cursor)
            log = await s.log.range()
            for party in ("HR", "RS"):
                for lane in ("urgent", "routine"):
                    got = [i.decode() for i, _f in await s.raw.xrange(inbox_key(party, lane))]
                    assert got == [e.id for e in log if party in e.to and e.lane == lane]
        finally:
            await s.close()

    asyncio.run(run())


async def test_the_router_skips_what_the_appends_routed(redis_server: RedisProcess) -> None:
    """Why: it would run its route script over every entry again, for nothing."""
    s = Streams.open(redis_server.url)
    router = Router(s, "hub-a", 30, Metrics(), lambda _parties: None)
    try:
        for k in range(3):
            item = (f"{k:032x}", "d", "RS", ("HR",), b"e", ("HR", "RS"), "urgent")
            (last,) = await s.log.accept_many([item], routed_by="hub-a")
        calls = (await s.raw.info("commandstats"))["cmdstat_evalsha"]["calls"]
        assert await router._step("0-0") == last.position  # type: ignore[union-attr]
        assert (await s.raw.info("commandstats"))["cmdstat_evalsha"]["calls"] == calls
    finally:
        await s.close()


async def test_a_message_on_a_routed_log_needs_no_router(
    home: Path, redis_server: RedisProcess
) -> None:
    """The intake routes a FLASH it accepts (and wakes its pumps) while the log is routed
    up to it: with the router lease held by a hub that is gone, it is delivered."""
    hub = await start_hub(home, redis_server.url, router_lease_ms=600)
    try:
        async with rs_and_hr(home, hub.url, "m1") as (rs, _hr, q):

            async def routed_to_top() -> bool:
                top = await hub.redis.xrevrange(LOG, count=1)
                return await hub.streams.routing.cursor() == top[0][0].decode()

            await wait_until(routed_to_top, T, "the router passed the log's top")
            await hub.redis.set(ROUTER_LEASE, "gone-hub", px=600_000)
            await wait_until(lambda: not hub.app[ROUTER].leader, T, "the router stepped down")
            res = await rs.send(
                "HR", "hotline_message", {"text": "m2", "lang": "en"}, precedence="FLASH"
            )
            assert res.status == "accepted"
            assert await texts_until(q, "m2", T) == ["m2"]
    finally:
        await hub.stop()


@pytest.mark.parametrize("bogus", ["99999999999999-0", "garbage"])
async def test_the_router_does_not_skip_past_a_cursor_no_router_wrote(
    redis_server: RedisProcess, bogus: str
) -> None:
    """Found by attack: one SET of the cursor above the log made the router skip every
    later entry, silently (accepted, never delivered)."""
    s = Streams.open(redis_server.url)
    metrics = Metrics()
    router = Router(s, "hub-a", 30, metrics, lambda _parties: None)
    try:
        item = ("a" * 32, "d", "RS", ("HR",), b"e", ("HR", "RS"), "routine")
        (res,) = await s.log.accept_many([item], routed_by="hub-a")
        await s.raw.set(CURSOR, bogus)
        assert await router._step("0-0") == res.position  # type: ignore[union-attr]
        assert await s.raw.xlen(inbox_key("HR")) == 1
        assert metrics.get("hotline_bad_cursor_total") == 1
        assert await s.routing.cursor() == res.position  # type: ignore[union-attr]
    finally:
        await s.close()


async def test_a_router_taking_the_lease_stops_loudly_at_a_cursor_no_router_wrote(
    redis_server: RedisProcess,
) -> None:
    """From a cursor in the future it would read nothing, silently, for ever."""
    s = Streams.open(redis_server.url)
    metrics = Metrics()
    router = Router(s, "hub-a", 300, metrics, lambda _parties: None)
    try:
        await s.raw.set(CURSOR, "99999999999999-0")
        task = asyncio.create_task(router.run())
        await wait_until(lambda: metrics.get("hotline_bad_cursor_total") >= 1, T, "the alert")
        assert not router.leader
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await s.close()
