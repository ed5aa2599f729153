"""The urgent lane: IMMEDIATE / FLASH never queue behind routine traffic.

Its keys are tested in streams/test_keys.py, its Redis side in streams/test_inbox.py.
"""

from __future__ import annotations

from pathlib import Path

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.protocol import Envelope, id_text
from hotline.protocol.events import LogEvent
from hotline.runtime.clock import now_ms as _now
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import inbox_key
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
