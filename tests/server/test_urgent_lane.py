"""The urgent lane: IMMEDIATE / FLASH never queue behind routine traffic."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from pathlib import Path
from typing import Any

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.client.hub_client import URGENT, HubClient
from hotline.protocol import Envelope, Frame, id_text
from hotline.protocol.events import LogEvent
from hotline.server.lane_queue import LaneQueue
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import Streams, inbox_key, lane_for
from tests.harness import RawDevice, client, poll_until, start_hub


def _now() -> int:
    return time.time_ns() // 1_000_000


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


def _deliver(delivery: str, envelope: bytes, **extra: Any) -> Frame:
    return Frame("deliver", {"delivery": delivery, "envelope": envelope, **extra})


async def _drive(c: HubClient, routine: list[Frame], urgent: collections.deque[Frame]) -> None:
    """Run the client's frame worker to the end over routine frames already queued and the
    urgent ones waiting (marked in the queue, as the reader does), then close its store."""
    frames: asyncio.Queue[Frame | None] = asyncio.Queue()
    for f in routine:
        frames.put_nowait(f)
    if urgent:
        frames.put_nowait(URGENT)
    frames.put_nowait(None)
    try:
        await asyncio.wait_for(c._process(frames, urgent), 10)
    finally:
        c.store.close()


async def _next_delivery(dev: RawDevice, timeout: float = 10) -> Frame:
    while True:
        frame = Frame.decode(await asyncio.wait_for(dev.ws.recv(), timeout))
        if frame.type == "deliver":
            return frame


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
            assert await rs.wait_connected(10)
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
            assert id_text(Envelope.decode(got["envelope"]).id) == flash.id
            # acking releases the routine window: the rest follows, in order
            ids = [f["delivery"] for f in [*first, got]]
            await hr.ws.send(hr.session.send("ack", deliveries=ids))
            rest = [await _next_delivery(hr) for _ in range(2)]
            assert [id_text(Envelope.decode(f["envelope"]).id) for f in rest] == routine[4:]
            await hr.ws.send(hr.session.send("ack", deliveries=[f["delivery"] for f in rest]))
            streams = hub.streams

            async def settled() -> bool:
                return await streams.inbox.pending("HR", "HR/officer-1") == 0

            await poll_until(settled, 10)
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


async def test_lane_queue_urgent_jumps_and_routine_is_bounded() -> None:
    q = LaneQueue(2)
    await q.put(b"r1")
    await q.put(b"r2")
    blocked = asyncio.create_task(q.put(b"r3"))  # no room: waits for the writer
    await asyncio.sleep(0)
    assert not blocked.done()
    await q.put(b"u1", urgent=True)  # never waits
    assert await q.get() == b"u1"
    assert await q.get() == b"r1"
    await asyncio.wait_for(blocked, 5)
    assert [await q.get(), await q.get()] == [b"r2", b"r3"]
    waiter = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    await q.put(b"u2", urgent=True)
    assert await asyncio.wait_for(waiter, 5) == b"u2"


async def test_client_handles_urgent_before_queued_routine(home: Path) -> None:
    """The client's worker takes an urgent delivery before routine ones already queued."""
    h = Home(home)
    c = HubClient(h, "HR/officer-1", auto_receipts=False)
    order: list[list[str]] = []

    async def on_deliveries(items: list[tuple[str, bytes]], preempt: object = None) -> list[Any]:
        order.append([d for d, _ in items])
        return []

    c._on_deliveries = on_deliveries  # type: ignore[method-assign]
    urgent = collections.deque([_deliver("99-0", _env(h, 99), urgent=True)])
    await _drive(c, [_deliver(f"{i}-0", _env(h, i)) for i in range(40)], urgent)
    assert order[0] == ["99-0"]
    assert [d for burst in order[1:] for d in burst] == [f"{i}-0" for i in range(40)]
    assert max(len(b) for b in order) <= 32  # bursts stay short


async def test_an_urgent_delivery_preempts_a_routine_burst_in_progress(home: Path) -> None:
    """Arriving mid-burst, it is handled after the message being opened, not the burst."""
    h = Home(home)
    c = HubClient(h, "HR/officer-1", auto_receipts=False)
    acks: list[list[str]] = []

    async def frame(ftype: str, **fields: Any) -> None:
        if ftype == "ack":
            acks.append(fields["deliveries"])

    c._frame = frame  # type: ignore[method-assign]
    urgent: collections.deque[Frame] = collections.deque()
    real_open = c._open
    opened = 0

    def open_and_meanwhile(data: bytes, env: Envelope | None = None) -> Any:
        nonlocal opened
        opened += 1
        if opened == 3:  # the hub's FLASH frame arrives while the 3rd routine is opened
            urgent.append(_deliver("99-0", _env(h, 99)))
        return real_open(data, env)

    c._open = open_and_meanwhile  # type: ignore[method-assign]
    q = c.subscribe()
    await _drive(c, [_deliver(f"{i}-0", _env(h, i)) for i in range(10)], urgent)
    assert acks == [["0-0", "1-0", "2-0"], ["99-0"], [f"{i}-0" for i in range(3, 10)]]
    shown = [q.get_nowait().message.body["text"] for _ in range(q.qsize())]  # type: ignore[attr-defined]
    assert shown == ["m0", "m1", "m2", "m99", *(f"m{i}" for i in range(3, 10))]


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


async def test_client_takes_an_urgent_answer_before_queued_deliveries(home: Path) -> None:
    h = Home(home)
    c = HubClient(h, "RS/officer-1", auto_receipts=False)
    order: list[str] = []

    async def on_deliveries(items: list[tuple[str, bytes]], preempt: object = None) -> list[Any]:
        order.extend(d for d, _ in items)
        return []

    def on_accepted(mid: bytes, position: str, duplicate: bool) -> None:
        order.append(f"accepted {position}")

    c._on_deliveries = on_deliveries  # type: ignore[method-assign]
    c._on_accepted = on_accepted  # type: ignore[method-assign]
    fields = {"id": b"i" * 16, "position": "9-0", "duplicate": False, "urgent": True}
    urgent = collections.deque([Frame("accepted", fields)])
    await _drive(c, [_deliver(f"{i}-0", b"x") for i in range(5)], urgent)
    assert order == ["accepted 9-0", *(f"{i}-0" for i in range(5))]
