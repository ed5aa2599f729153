"""Accepting (and routing) a log entry straight through Streams, as the hub's intake would."""

from __future__ import annotations

from hotline.protocol.events import LogEvent
from hotline.server.streams import Streams

DEV = "HR/officer-1"


async def accept(s: Streams, mid: str, payload: bytes, to: tuple[str, ...] = ("BA", "HR")) -> str:
    event = LogEvent("accepted", 1, "HUB/hub-1", payload, {}).encode()
    res = await s.log.accept(mid, "digest", "RS", to, event, (*to, "RS"))
    return res.position


async def accept_and_route(s: Streams, mid: str, payload: bytes) -> str:
    pos = await accept(s, mid, payload)
    res = await s.routing.route(await s.log.range(pos, pos))
    assert res.woke == {"BA", "HR", "RS"} and res.out_of_order == {}
    return pos
