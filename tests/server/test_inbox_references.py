"""Inbox entries reference their log entry: one payload in Redis, whatever the fan-out."""

from __future__ import annotations

from hotline.protocol.events import LogEvent
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import Streams, connect, inbox_key

DEV = "HR/officer-1"


async def _accept_and_route(s: Streams, mid: str, payload: bytes) -> str:
    event = LogEvent("accepted", 1, "HUB/hub-1", payload, {}).encode()
    res = await s.accept(mid, "digest", "RS", ("HR", "BA"), event, ("BA", "HR", "RS"))
    entries = await s.log_range(res.position, res.position)
    assert await s.route(entries) == {"BA", "HR", "RS"}
    return res.position


async def test_inboxes_hold_references_and_pumps_read_the_payload(
    redis_server: RedisProcess,
) -> None:
    router, other_hub = Streams(connect(redis_server.url)), Streams(connect(redis_server.url))
    try:
        for p in ("HR", "BA"):
            await router.ensure_group(p, f"{p}/officer-1")
        payload = b"sealed envelope " * 400
        pos = await _accept_and_route(router, "a" * 32, payload)
        for p in ("HR", "BA", "RS"):  # no copy of the 6 KB payload in any inbox
            [(_id, fields)] = await router.r.xrange(inbox_key(p))
            assert b"d" not in fields and fields[b"mid"] == b"a" * 32
        # the routing hub has it at hand; another hub (cold cache) reads the log entry
        [mine] = await router.read_inbox("HR", DEV, 10)
        assert (mine.id, mine.data) == (pos, payload) and router.payloads.hits == 1
        [theirs] = await other_hub.read_inbox("BA", "BA/officer-1", 10)
        assert theirs.data == payload and other_hub.payloads.misses == 1
        # a redelivery (XAUTOCLAIM) carries the payload too
        claimed = await other_hub.claim_idle("HR", DEV, 0)
        assert [e.data for e in claimed.entries] == [payload]
    finally:
        await router.close()
        await other_hub.close()


async def test_an_entry_whose_log_entry_is_gone_is_not_delivered(
    redis_server: RedisProcess,
) -> None:
    s = Streams(connect(redis_server.url))
    try:
        await s.ensure_group("HR", DEV)
        pos = await _accept_and_route(s, "b" * 32, b"payload")
        await s.r.xdel("hl:{log}:events", pos)  # never done by the hub: the log is kept
        cold = Streams(connect(redis_server.url))
        try:
            assert await cold.read_inbox("HR", DEV, 10) == []
            assert await cold.pending("HR", DEV) == 0  # acked, alerted, not looping
        finally:
            await cold.close()
    finally:
        await s.close()


async def test_entries_routed_with_a_copy_are_still_delivered(redis_server: RedisProcess) -> None:
    """Inboxes written before references (with a "d" copy) keep working."""
    s = Streams(connect(redis_server.url))
    try:
        await s.ensure_group("HR", DEV)
        await s.r.xadd(inbox_key("HR"), {"t": "env", "d": b"old copy", "mid": "c" * 32}, id="5-1")
        [e] = await s.read_inbox("HR", DEV, 10)
        assert (e.id, e.data) == ("5-1", b"old copy")
    finally:
        await s.close()
