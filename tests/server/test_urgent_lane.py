"""The urgent lane: IMMEDIATE / FLASH never queue behind routine traffic."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.protocol import Envelope, id_text
from hotline.protocol.events import LogEvent
from hotline.runtime.clock import now_ms as _now
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import Streams, inbox_key, lane_for
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import RawDevice, RawFrame, client, raw_frame, start_hub
from tests.waits import wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here


def _env(h: Home, i: int, precedence: str | None = None) -> bytes:
    e, _ = compose(
        h.device("RS/officer-1"),
        h.roster(_now()),
        recipients=("HR",),
        family="hotline_message",
        body={"text": f"m{i}", "lang": "en"},
        seq=i,
        now_ms=_now(),
        precedence=precedence,
    )
    return e.encode()


async def _next_delivery(dev: RawDevice, timeout: float = 10) -> RawFrame:
    while True:
        frame = await dev.recv(timeout)
        if frame.type == "deliver":
            return frame


def _mid(frame: RawFrame) -> str:
    """The message id of a delivered log entry."""
    return id_text(Envelope.decode(LogEvent.decode(frame["entry"]).payload).id)


def test_lane_for_precedence() -> None:
    assert [lane_for(p) for p in ("ROUTINE", "PRIORITY", "IMMEDIATE", "FLASH")] == [
        "routine",
        "routine",
        "urgent",
        "urgent",
    ]


async def test_flash_is_delivered_while_the_routine_window_is_full(
    home: Path, redis_server: RedisProcess
) -> None:
    """A device that has not acked a full routine window still gets a FLASH at once."""
    hub = await start_hub(home, redis_server.url, send_queue=4)
    try:
        async with (
            client(home, "RS", hub.url) as rs,
            RawDevice(hub.url, home, "HR/officer-1") as hr,
        ):
            assert await rs.wait_connected(T)
            routine = []
            for i in range(6):
                r = await rs.send(
                    "HR", "hotline_message", {"text": f"r{i}", "lang": "en"}, precedence="ROUTINE"
                )
                assert r.status == "accepted"
                routine.append(r.id)
            first = [await _next_delivery(hr) for _ in range(4)]  # the window: 4, unacked
            assert all(not f.fields.get("urgent") for f in first)
            flash = await rs.send(
                "HR", "hotline_message", {"text": "FLASH", "lang": "en"}, precedence="FLASH"
            )
            assert flash.status == "accepted"
            got = await _next_delivery(hr)
            # the FLASH, ahead of routine entries 5 and 6 that were accepted before it
            assert got.fields.get("urgent") is True
            assert _mid(got) == flash.id
            # acking releases the routine window: the rest follows, in order
            ids = [f["delivery"] for f in [*first, got]]
            await hr.ws.send(raw_frame("ack", deliveries=ids))
            rest = [await _next_delivery(hr) for _ in range(2)]
            assert [_mid(f) for f in rest] == routine[4:]
            await hr.ws.send(raw_frame("ack", deliveries=[f["delivery"] for f in rest]))
            streams = hub.streams

            async def settled() -> bool:
                return await streams.inbox.pending("HR", "HR/officer-1") == 0

            await wait_until(settled, T)
            assert await streams.raw.xlen(inbox_key("HR", "urgent")) == 1
            assert await streams.raw.xlen(inbox_key("HR")) == 6
    finally:
        await hub.stop()


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
        pos = await s.log.record_receipt("b" * 32, "HR/officer-1", 0, b"r", ("HR", "RS"), meta.lane)
        assert pos is not None
        assert (await s.log.range(pos, pos))[0].lane == "urgent"
    finally:
        await s.close()


async def test_the_answer_to_a_flash_submit_is_urgent(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with RawDevice(hub.url, home, "RS/officer-1") as rs:
            h = Home(home)
            flash = await rs.submit(_env(h, 1, "FLASH"))
            routine = await rs.submit(_env(h, 2, "ROUTINE"))
            assert flash.type == routine.type == "accepted"
            assert flash.fields.get("urgent") is True
            assert "urgent" not in routine.fields
    finally:
        await hub.stop()
