"""The websocket endpoint's I/O loop: frames read before the close are still handled."""

from __future__ import annotations

from pathlib import Path

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
