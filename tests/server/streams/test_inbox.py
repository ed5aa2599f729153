"""Party inboxes in both lanes: reading order, pending, acks, backlog and trim."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hotline.protocol.events import LogEvent
from hotline.runtime.clock import now_ms as _now
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import Streams, inbox_key


async def test_urgent_lane_in_redis(redis_server: RedisProcess, home: Path) -> None:
    """Routing, reading order, receipts, pending, backlog and trim cover both lanes."""
    s = Streams.open(redis_server.url)
    try:
        await s.inbox.ensure_group("HR", "HR/officer-1")
        routine = await s.log.accept("a" * 32, "d1", "RS", ("HR",), b"e1", ("HR", "RS"))
        urgent = await s.log.accept("b" * 32, "d2", "RS", ("HR",), b"e2", ("HR", "RS"), "urgent")
        log = await s.log.range()
        assert [e.lane for e in log] == ["routine", "urgent"]
        # the inbox carries the event's payload: route real events
        ev = LogEvent("accepted", 1, "hub", b"x", {}).encode()
        log = [dataclasses.replace(e, event=ev) for e in log]
        assert (await s.routing.route(log)).woke == {"HR", "RS"}
        assert await s.raw.xlen(inbox_key("HR")) == 1
        assert await s.raw.xlen(inbox_key("HR", "urgent")) == 1
        meta = await s.log.message_meta("b" * 32)
        assert meta is not None and meta.lane == "urgent" and meta.recipients == ["HR"]
        got = (await s.inbox.read("HR", "HR/officer-1", 10, lanes=("urgent", "routine"))).entries
        # urgent first although it was accepted later
        assert [(e.id, e.lane) for e in got] == [
            (urgent.position, "urgent"),
            (routine.position, "routine"),
        ]
        assert await s.inbox.pending("HR", "HR/officer-1") == 2
        assert await s.retention.backlog("HR") == 2
        # retention keeps what is unacked, in both lanes
        assert await s.retention.trim_inbox("HR", _now() + 10**6) == 0
        assert await s.inbox.ack_lanes("HR", "HR/officer-1", {"urgent": [urgent.position]}) == 1
        assert await s.inbox.pending("HR", "HR/officer-1") == 1
        assert await s.inbox.ack("HR", "HR/officer-1", [routine.position]) == 1
        assert await s.retention.trim_inbox("HR", _now() + 10**6) == 2
        # a receipt travels in its message's lane
        rc = await s.log.record_receipt("b" * 32, "HR/officer-1", 0, b"r", ("HR", "RS"), meta.lane)
        assert rc is not None
        assert (await s.log.range(rc.position, rc.position))[0].lane == "urgent"
    finally:
        await s.close()
