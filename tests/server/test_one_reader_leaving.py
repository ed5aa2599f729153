"""One reader per device: sessions leaving while a read is lent out (found in review
of the second version, where a session that had left got a pump that ran for ever and
a FLASH read for a leaving reader was stranded until the reclaim)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from hotline.client.home import Home
from hotline.server.redis_process import RedisProcess
from hotline.server.streams.keys import CURSOR, LOG, inbox_key
from tests.harness import TIMEOUT, RawDevice, raw_frame, start_hub, submit_frame
from tests.server.helpers import (
    hold_appends,
    live_readers,
    pump_tasks,
    rs_to_hr,
    sessions_of,
)
from tests.waits import wait_until

HR = "HR/officer-1"


async def test_a_session_that_left_while_handed_the_device_gets_no_pump(
    home: Path, redis_server: RedisProcess
) -> None:
    """A reads, with a read lent out; B opens and supersedes A (waiting for the loan);
    B closes, and A closes before the loan settles. In the second version B's hand-over
    then started a pump for A, which had left (its socket closed without a Bye, so it
    still looked open), and nothing ever stopped it. A session that is leaving never
    reads again; with every session gone, no pump runs."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    hr = Home(home).device(HR).id
    try:
        a_dev = await RawDevice(hub.url, home, HR).__aenter__()
        await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
        (a,) = sessions_of(hub, hr)
        await wait_until(lambda: a.pump.parked, what="A parked")
        (loan,) = hub.registry.lend({"HR"})  # an append in flight borrowed A's read
        async with RawDevice(hub.url, home, HR):
            await wait_until(lambda: a._retiring is not None, what="B supersedes A")
        # B left: its hand_over waits in A.resume() for A's retire
        await wait_until(lambda: not any(s is not a for s in sessions_of(hub, hr)))
        await a_dev.__aexit__(None, None, None)
        loan.fail()  # the append settles its loan
        await wait_until(lambda: not sessions_of(hub, hr), what="A gone")
        # a fresh session reads; then it leaves too: no session of the device remains
        async with RawDevice(hub.url, home, HR):
            await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
            during = pump_tasks(hub, hr)
        await wait_until(lambda: not sessions_of(hub, hr), what="all gone")
        try:
            await wait_until(lambda: not pump_tasks(hub, hr), timeout=3 * TIMEOUT)
        except AssertionError:
            raise AssertionError(
                f"pumps still running with no session open: {pump_tasks(hub, hr)}; "
                f"with one session open there were {during}"
            ) from None
    finally:
        await hub.stop()


async def _leak_a_pump(hub: Any, home: Path, hr: str) -> None:
    """The interleaving above (it left a pump running in the second version)."""
    a_dev = await RawDevice(hub.url, home, HR).__aenter__()
    await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
    (a,) = sessions_of(hub, hr)
    await wait_until(lambda: a.pump.parked, what="A parked")
    (loan,) = hub.registry.lend({"HR"})
    async with RawDevice(hub.url, home, HR):
        await wait_until(lambda: a._retiring is not None, what="B supersedes A")
    await wait_until(lambda: not any(s is not a for s in sessions_of(hub, hr)))
    await a_dev.__aexit__(None, None, None)
    loan.fail()
    await wait_until(lambda: not sessions_of(hub, hr), what="A gone")


async def test_after_such_a_leave_every_message_reaches_the_live_session(
    home: Path, redis_server: RedisProcess
) -> None:
    """The consequence in the second version: the left session's pump read as the
    device's consumer beside the live session's, so some of the messages accepted
    meanwhile went to a closed socket and waited for the reclaim (10 min here)."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000, poll_interval_s=0.002)
    hr = Home(home).device(HR).id
    try:
        await _leak_a_pump(hub, home, hr)
        rounds, n = 2, 60
        seen: set[Any] = set()
        async with (
            RawDevice(hub.url, home, "RS/officer-1") as rs,
            RawDevice(hub.url, home, HR) as live,
        ):
            await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
            for r in range(rounds):
                for env in rs_to_hr(home, n, f"round {r}"):  # a burst, answers not awaited
                    await rs.ws.send(submit_frame(env.encode()))
                while len(seen) < (r + 1) * n:
                    f = await live.next_of("deliver", timeout=3)
                    if f is None:
                        break
                    seen.add(f["delivery"])
                    await live.ws.send(raw_frame("ack", deliveries=[f["delivery"]]))
            lost = rounds * n - len(seen)
            assert lost == 0, (
                f"{lost} of {rounds * n} accepted messages never reached the device's only "
                f"live session (pumps running: {pump_tasks(hub, hr)})"
            )
    finally:
        await hub.stop()


async def test_a_flash_read_for_a_leaving_reader_reaches_the_next_session(
    home: Path, redis_server: RedisProcess
) -> None:
    """A reconnect while an append holds A's lent read (Redis slow: up to its 5 s
    socket timeout). In the second version A left the registry at once, B started
    reading and sent its pending before the loan came back, and A's retired pump read
    once more when it did: the FLASH became A's in the PEL, written to a closed socket,
    left for the reclaim. Now A stops reading and waits for its loan before it leaves,
    under the device's lock, and B reads after it: the FLASH reaches B."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    hr = Home(home).device(HR).id
    gate = asyncio.Event()

    async def routed_to_top() -> bool:
        top = await hub.redis.xrevrange(LOG, count=1)
        cur = await hub.redis.get(CURSOR)
        return bool(top) and cur is not None and top[0][0] == cur

    try:
        async with RawDevice(hub.url, home, "RS/officer-1") as rs:
            a_dev = await RawDevice(hub.url, home, HR).__aenter__()
            await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
            (a,) = sessions_of(hub, hr)
            await wait_until(lambda: a.pump.parked, what="A parked")
            hold_appends(hub, gate)
            (env,) = rs_to_hr(home, 1, "flash during a reconnect", precedence="FLASH")
            await rs.ws.send(submit_frame(env.encode()))
            await wait_until(lambda: a.pump._loan is not None, what="the append borrowed A's read")
            await a_dev.__aexit__(None, None, None)
            # A leaves only once its loan is back: B opens meanwhile and waits its turn
            async with RawDevice(hub.url, home, HR) as b_dev:
                await wait_until(lambda: len(sessions_of(hub, hr)) == 2, what="B registered")
                await wait_until(routed_to_top, what="the router caught up")
                gate.set()
                answer = await rs.next_of("accepted", timeout=5)
                assert answer is not None, "the FLASH was not accepted"
                got = await b_dev.next_of("deliver", timeout=5)
                pending = await hub.redis.xpending(inbox_key("HR", "urgent"), hr)
                assert got is not None, (
                    "FLASH accepted during a reconnect never reached the new (only) session; "
                    f"the device's urgent PEL: {pending['pending']} entries, left for the reclaim"
                )
    finally:
        gate.set()
        await hub.stop()


async def test_acks_sent_on_a_superseded_session_are_still_xacked(
    home: Path, redis_server: RedisProcess
) -> None:
    """A got FLASHes; B supersedes A (and gets them again from the pending); the device
    acks on A only: the PEL empties (A's ack loop runs on)."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    hr = Home(home).device(HR).id
    try:
        async with (
            RawDevice(hub.url, home, "RS/officer-1") as rs,
            RawDevice(hub.url, home, HR) as a,
        ):
            await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
            ids = []
            for env in rs_to_hr(home, 3, "before the takeover", precedence="FLASH"):
                assert (await rs.submit(env.encode())).type == "accepted"
                f = await a.next_of("deliver", timeout=5)
                assert f is not None
                ids.append(f["delivery"])
            async with RawDevice(hub.url, home, HR) as b:
                for _ in ids:  # B gets A's pending first
                    assert await b.next_of("deliver", timeout=5) is not None
                await a.ws.send(raw_frame("ack", deliveries=ids))

                async def empty() -> bool:
                    p = await hub.redis.xpending(inbox_key("HR", "urgent"), hr)
                    return p["pending"] == 0

                await wait_until(empty, what="acks on the superseded session XACKed")
    finally:
        await hub.stop()


async def test_no_pump_runs_on_after_hub_stop_while_its_loan_is_out(
    home: Path, redis_server: RedisProcess
) -> None:
    """A FLASH append holds A's read (Redis slow), B waits in A.supersede(), C opens,
    and the hub stops. A's deliver loop is stopped before the loan is waited for, so no
    pump runs on after hub.stop() returns (in the second version A's ran until the
    append settled)."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    hr = Home(home).device(HR).id
    gate = asyncio.Event()

    hold_appends(hub, gate)
    devs: list[RawDevice] = []
    try:
        rs = await RawDevice(hub.url, home, "RS/officer-1").__aenter__()
        devs.append(rs)
        devs.append(await RawDevice(hub.url, home, HR).__aenter__())
        await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
        (a,) = sessions_of(hub, hr)
        await wait_until(lambda: a.pump.parked, what="A parked")
        (env,) = rs_to_hr(home, 1, "flash at shutdown", precedence="FLASH")
        await rs.ws.send(submit_frame(env.encode()))
        await wait_until(lambda: a.pump._loan is not None, what="borrowed")
        devs.append(await RawDevice(hub.url, home, HR).__aenter__())
        await wait_until(lambda: a._retiring is not None, what="B supersedes A")
        devs.append(await RawDevice(hub.url, home, HR).__aenter__())
        await wait_until(lambda: len(sessions_of(hub, hr)) == 3, what="C registered")
    finally:
        stop = asyncio.create_task(hub.stop())
        done, _ = await asyncio.wait({stop}, timeout=30 * TIMEOUT)
        left = pump_tasks(hub, hr)  # the append still holds A's read (Redis slow)
        gate.set()
        if not done:
            await stop
        for d in devs:
            await d.ws.close()
    assert done, "hub.stop() hung"
    assert not left, f"pumps left running after hub.stop() returned: {left}"
