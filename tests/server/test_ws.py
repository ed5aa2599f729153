"""The websocket endpoint's I/O loop: frames read before the close are still handled."""

from __future__ import annotations

from pathlib import Path

from hotline.server.appkeys import REGISTRY
from hotline.server.redis_process import RedisProcess
from tests.harness import (
    RawDevice,
    start_hub,
    submit_frame,
)
from tests.server.helpers import rs_to_hr
from tests.waits import wait_until


async def test_frames_sent_just_before_a_close_are_still_handled(
    home: Path, redis_server: RedisProcess
) -> None:
    """A device that sends and hangs up at once (a CLI's last receipt) loses nothing.

    The hub reads the frames before it reads the close; it must finish them rather
    than drop the ones still queued for its worker.
    """
    hub = await start_hub(home, redis_server.url)
    try:
        envs = rs_to_hr(home, 20, "last words")
        async with RawDevice(hub.url, home, "RS/officer-1") as rs:
            for env in envs:
                await rs.ws.send(submit_frame(env.encode()))
        # closed without reading a single answer: every frame sent is still handled

        async def all_accepted() -> bool:
            log = await hub.streams.log.range()
            return sum(e.type == "accepted" for e in log) == 20

        await wait_until(all_accepted, what="all 20 frames sent before the close")
    finally:
        await hub.stop()


async def test_a_newer_session_of_a_device_takes_all_its_deliveries(
    home: Path, redis_server: RedisProcess
) -> None:
    """A device reconnects while its old socket still looks alive (a dead link not yet
    seen). Both sessions' pumps read as one consumer, so each FLASH went to one of them
    at random, and one taken by the old session waited for the reclaim (30 s here 10
    min). The newest session alone reads; the old one is told why it hears nothing."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    try:
        async with (
            RawDevice(hub.url, home, "RS/officer-1") as rs,
            RawDevice(hub.url, home, "HR/officer-1") as old,
        ):
            await wait_until(lambda: len(hub.app[REGISTRY]) == 2, what="both registered")
            async with RawDevice(hub.url, home, "HR/officer-1") as new:
                alert = await old.next_of("alert")
                assert alert is not None and alert["code"] == "session_superseded", alert
                envs = rs_to_hr(home, 6, "flash", precedence="FLASH")
                for env in envs:
                    assert (await rs.submit(env.encode())).type == "accepted"
                got = [await new.next_of("deliver") for _ in envs]
                assert all(got), "a FLASH did not reach the newest session"
                idx = [f["index"] for f in got if f]
                assert idx == sorted(set(idx))  # all six, once each, in log order
    finally:
        await hub.stop()
