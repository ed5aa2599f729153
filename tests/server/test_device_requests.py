"""One device's requests in order: a burst shares one Redis round trip, each gets its answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import (
    RawDevice,
    RawFrame,
    start_hub,
    submit_frame,
)
from tests.server.helpers import rs_to_hr

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here


async def test_a_burst_of_submits_is_answered_in_order_one_by_one(
    home: Path, redis_server: RedisProcess
) -> None:
    """Submits queued together share one Redis round trip, yet each gets its own answer.

    A forged envelope in the middle is refused alone; a resend inside the same burst
    is a duplicate with the original's position; the log keeps the sending order.
    """
    from dataclasses import replace

    hub = await start_hub(home, redis_server.url)
    try:
        # routine: one lane, so even the error is answered in sending order (an urgent
        # "accepted" may overtake a routine error; clients match answers by id)
        envs = rs_to_hr(home, 8, "burst", "ROUTINE")
        forged = replace(envs[3], signature=bytes(64)).encode()
        frames = [e.encode() for e in envs[:3]] + [forged] + [e.encode() for e in envs[4:]]
        frames.insert(6, envs[1].encode())  # the same envelope again, inside the burst
        async with RawDevice(hub.url, home, "RS/officer-1") as rs:
            for data in frames:
                await rs.ws.send(submit_frame(data))
            answers = []
            while len(answers) < len(frames):
                f = RawFrame.of(await asyncio.wait_for(rs.ws.recv(), T))
                if f.type in ("accepted", "error"):
                    answers.append(f)
        kinds = [a.type for a in answers]
        assert kinds == ["accepted"] * 3 + ["error"] + ["accepted"] * 5, kinds
        assert answers[3]["code"] == "bad_signature"
        assert answers[6]["duplicate"] is True
        assert answers[6]["position"] == answers[1]["position"]
        fresh = [a for k, a in enumerate(answers) if k not in (3, 6)]
        assert [a["id"] for a in fresh] == [e.id for k, e in enumerate(envs) if k != 3]
        log = [e for e in await hub.streams.log.range() if e.type == "accepted"]
        assert [e.id for e in log] == [a["position"] for a in fresh]  # sending order
    finally:
        await hub.stop()
