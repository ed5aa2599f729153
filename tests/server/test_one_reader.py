"""One reader per device (server/registry.py): interleavings of a device's sessions
that left it deaf or with two readers (found in review of the first version)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hotline.client.home import Home
from hotline.server.redis_process import RedisProcess
from tests.harness import TIMEOUT, RawDevice, start_hub, submit_frame
from tests.server.helpers import live_readers, rs_to_hr, sessions_of
from tests.waits import wait_until

HR = "HR/officer-1"


async def test_a_short_second_session_leaves_the_live_one_deaf(
    home: Path, redis_server: RedisProcess
) -> None:
    """The console stays connected (a healthy socket) while a one-shot CLI command
    (`hotline send --as HR/officer-1`) opens a session of the same device and closes it.
    The short session reads while it lives; when it leaves, the console reads again (in
    the first version its pump stayed stopped: a FLASH accepted afterwards never reached
    the device's only live session, and no pump was left to reclaim it)."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    hr = Home(home).device(HR).id
    try:
        async with (
            RawDevice(hub.url, home, "RS/officer-1") as rs,
            RawDevice(hub.url, home, HR) as console,
        ):
            await wait_until(lambda: len(sessions_of(hub, hr)) == 1, what="console registered")
            async with RawDevice(hub.url, home, HR):  # the CLI's session
                await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
            await wait_until(lambda: len(sessions_of(hub, hr)) == 1, what="CLI session gone")
            (env,) = rs_to_hr(home, 1, "flash after the CLI exited", precedence="FLASH")
            assert (await rs.submit(env.encode())).type == "accepted"
            got = await console.next_of("deliver", timeout=5)
            assert got is not None, (
                "FLASH accepted but never delivered to the device's only (live) session: "
                f"live pumps {len(live_readers(sessions_of(hub, hr)))}"
            )
    finally:
        await hub.stop()


async def test_three_sessions_of_a_device_end_with_one_pump(
    home: Path, redis_server: RedisProcess
) -> None:
    """A's pump has a read lent out (an append in flight: up to the 5 s socket timeout
    when Redis stalls). B registers and waits for it in A.supersede(); C registers
    meanwhile. In the first version C superseded A and B at once (B had no pump yet, a
    no-op) and B started its pump when the loan settled: two readers again. Now the
    device's lock makes C wait for B's turn, then supersede it. A few rounds are tried
    (the order of the sessions decided it then)."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    hr = Home(home).device(HR).id
    try:
        for _round in range(12):
            async with RawDevice(hub.url, home, HR):
                await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
                (a,) = sessions_of(hub, hr)
                await wait_until(lambda a=a: a.pump.parked, what="A parked")
                (loan,) = hub.registry.lend({"HR"})  # an append borrowed A's read
                async with RawDevice(hub.url, home, HR):
                    await wait_until(lambda: len(sessions_of(hub, hr)) == 2, what="B registered")
                    (b,) = [s for s in sessions_of(hub, hr) if s is not a]
                    b_first = next(iter(sessions_of(hub, hr))) is b  # C's order
                    async with RawDevice(hub.url, home, HR):
                        await wait_until(lambda: len(sessions_of(hub, hr)) == 3, what="C in")
                        (c,) = [s for s in sessions_of(hub, hr) if s not in (a, b)]
                        loan.fail()  # the append timed out: the loan settles
                        await wait_until(lambda b=b, c=c: c.pump is not None and b.pump is not None)
                        live = live_readers([a, b, c])
                        assert live == [c] or len(live) == 1, (
                            f"{len(live)} pumps of one device (B's listed first by C: "
                            f"{b_first}); B's pump live: {b in live}"
                        )
            await wait_until(lambda: not sessions_of(hub, hr), what="round closed")
    finally:
        await hub.stop()


async def test_a_new_session_is_not_served_while_the_old_ones_loan_is_out(
    home: Path, redis_server: RedisProcess
) -> None:
    """While the old pump's lent read is out (bounded by the Redis socket timeout, 5 s),
    the new session waits to read deliveries, but its own requests (a FLASH submit
    included) are answered meanwhile: in the first version it read nothing at all."""
    hub = await start_hub(home, redis_server.url)
    hr = Home(home).device(HR).id
    try:
        async with RawDevice(hub.url, home, HR):
            await wait_until(lambda: len(live_readers(sessions_of(hub, hr))) == 1)
            (a,) = sessions_of(hub, hr)
            await wait_until(lambda: a.pump.parked, what="A parked")
            (loan,) = hub.registry.lend({"HR"})
            async with RawDevice(hub.url, home, HR) as new:
                await wait_until(lambda: len(sessions_of(hub, hr)) == 2, what="B registered")
                try:  # junk gets an immediate answer from a served session
                    answer = await asyncio.wait_for(new.raw(submit_frame(b"junk")), 2 * TIMEOUT)
                except TimeoutError:
                    answer = None
                loan.fail()
                assert answer is not None, "the new session answered nothing while A's loan was out"
    finally:
        await hub.stop()
