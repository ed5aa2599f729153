"""Deliveries only from the log (design D4/D5) against a real redis-server.

Inbox entries are references ``{t, mid, n}`` under their log entry's id (``log`` names
it when they cannot have that id); the payload is read from the log
entry they name. Whatever someone with write access to Redis puts into an inbox
itself — a ``d`` copy, a reference to a missing or foreign entry, an entry above the
log's ids — is never delivered, and never makes the router drop a real message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hotline.protocol.events import LogEvent
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import COUNTER, LOG, Streams, dlq_key, inbox_key

DEV = "HR/officer-1"


@pytest.fixture
async def s(redis_server: RedisProcess) -> AsyncIterator[Streams]:
    streams = Streams.open(redis_server.url)
    for p in ("HR", "BA", "MK"):
        await streams.inbox.ensure_group(p, f"{p}/officer-1")
    try:
        yield streams
    finally:
        await streams.close()


async def _accept(s: Streams, mid: str, payload: bytes, to: tuple[str, ...] = ("BA", "HR")) -> str:
    event = LogEvent("accepted", 1, "HUB/hub-1", payload, {}).encode()
    res = await s.log.accept(mid, "digest", "RS", to, event, (*to, "RS"))
    return res.position


async def _accept_and_route(s: Streams, mid: str, payload: bytes) -> str:
    pos = await _accept(s, mid, payload)
    res = await s.routing.route(await s.log.range(pos, pos))
    assert res.woke == {"BA", "HR", "RS"} and res.out_of_order == {}
    return pos


async def test_inboxes_hold_references_and_pumps_read_the_log(
    s: Streams, redis_server: RedisProcess
) -> None:
    other_hub = Streams.open(redis_server.url)
    try:
        payload = b"sealed envelope " * 400
        pos = await _accept_and_route(s, "a" * 32, payload)
        [entry] = await s.log.range(pos, pos)
        for p in ("HR", "BA", "RS"):  # no copy of the 6 KB payload in any inbox
            [(_id, fields)] = await s.raw.xrange(inbox_key(p))
            assert set(fields) == {b"t", b"mid", b"n"}  # under the log entry's own id
            assert fields[b"n"] == str(entry.index).encode()
        # the routing hub has it at hand; another hub (cold cache) reads the log entry
        [mine] = (await s.inbox.read("HR", DEV, 10)).entries
        assert (mine.id, mine.data, mine.log_id) == (pos, payload, pos) and s.cache.hits == 1
        assert mine.event == entry.event and mine.index == entry.index  # for inclusion
        [theirs] = (await other_hub.inbox.read("BA", "BA/officer-1", 10)).entries
        assert theirs.data == payload and other_hub.cache.misses == 1
        # a redelivery (XAUTOCLAIM) carries the payload too
        claimed = await other_hub.inbox.claim_idle("HR", DEV, 0)
        assert [e.data for e in claimed.entries] == [payload]
    finally:
        await other_hub.close()


async def test_the_log_numbers_its_entries_and_old_logs_migrate(s: Streams) -> None:
    # a log written before D4: entries without "n", no counter
    for i in range(3):
        await s.raw.xadd(LOG, {"t": "rejected", "e": b"old %d" % i, "mid": "", "to": ""})
    assert not await s.raw.exists(COUNTER)
    first = await s.log.append_event("hub_start", b"x")
    pos = await _accept(s, "b" * 32, b"p")
    rcpt = await s.log.record_receipt("b" * 32, DEV, 0, b"r", ("HR", "RS"))
    assert rcpt is not None
    entries = await s.log.range()
    assert [e.index for e in entries] == [None, None, None, 3, 4, 5]
    assert [e.id for e in entries[3:]] == [first, pos, rcpt]
    # idempotent retries and dropped receipts take no index
    assert (await s.log.accept("b" * 32, "digest", "RS", ("HR",), b"e", ("HR",))).duplicate
    assert await s.log.record_receipt("b" * 32, DEV, 0, b"r", ("HR", "RS")) is None
    assert int(await s.raw.get(COUNTER)) == 6 == await s.log.length()


async def test_a_reference_whose_log_entry_is_gone_is_not_delivered(
    s: Streams, redis_server: RedisProcess
) -> None:
    pos = await _accept_and_route(s, "c" * 32, b"payload")
    await s.raw.xdel(LOG, pos)  # never done by the hub: the log is kept
    cold = Streams.open(redis_server.url)
    try:
        batch = await cold.inbox.read("HR", DEV, 10)
        assert batch.entries == [] and [f.id for f in batch.foreign] == [pos]
        assert "no such log entry" in batch.foreign[0].reason
        assert await cold.inbox.pending("HR", DEV) == 0  # acked, not looping
        [(_i, dead)] = await cold.raw.xrange(dlq_key("HR"))
        assert dead[b"id"] == pos.encode() and dead[b"reason"].startswith(b"foreign")
    finally:
        await cold.close()


async def test_an_inbox_d_bypass_is_never_delivered(s: Streams) -> None:
    """An envelope written straight into an inbox (``d``) is not in the log: refused."""
    forged = {"t": "env", "d": b"forged envelope", "mid": "e" * 32}
    await s.raw.xadd(inbox_key("HR"), forged, id="1-1")  # an id no log entry has
    pos = await _accept_and_route(s, "d" * 32, b"the real message")
    await s.raw.xadd(inbox_key("HR"), forged)  # and one above the log's ids
    # and a "d" added to a real reference is ignored: the log's payload is delivered
    await s.raw.xadd(inbox_key("HR"), {"t": "env", "d": b"forged", "mid": "d" * 32, "log": pos})
    batch = await s.inbox.read("HR", DEV, 10)
    assert [e.data for e in batch.entries] == [b"the real message", b"the real message"]
    assert len(batch.foreign) == 2 and b"forged envelope" not in str(batch).encode()
    assert await s.inbox.pending("HR", DEV) == 2  # the two real ones wait for their acks


async def test_references_the_router_cannot_have_written_are_foreign(s: Streams) -> None:
    pos = await _accept_and_route(s, "f" * 32, b"for HR and BA only")
    [(_i, ref)] = await s.raw.xrange(inbox_key("HR"))
    ref = {**ref, b"log": pos.encode()}  # copies elsewhere must name the log entry
    await s.raw.xadd(inbox_key("MK"), ref)  # not routed to MK
    await s.raw.xadd(inbox_key("HR", "urgent"), ref)  # not in HR's urgent lane
    await s.raw.xadd(inbox_key("HR"), {**ref, b"n": b"999"})  # another leaf index
    await s.raw.xadd(inbox_key("HR"), {**ref, b"mid": b"0" * 32})  # another message
    await s.raw.xadd(inbox_key("HR"), {**ref, b"log": b"not-an-id"})  # garbage
    mk = await s.inbox.read("MK", "MK/officer-1", 10)
    assert mk.entries == [] and "not routed to MK" in mk.foreign[0].reason
    hr = await s.inbox.read("HR", DEV, 10, lanes=("urgent", "routine"))
    assert [e.id for e in hr.entries] == [pos]
    reasons = [f.reason for f in hr.foreign]
    assert len(reasons) == 4 and "in the routine lane" in reasons[0], reasons
    assert any("leaf index" in r for r in reasons) and any("message id" in r for r in reasons)


async def test_a_spurious_high_id_does_not_make_the_router_drop_messages(s: Streams) -> None:
    """Issue 15: one spurious entry with a high id made two later messages vanish for HR."""
    first = await _accept_and_route(s, "1" * 32, b"m1")
    await s.raw.xadd(inbox_key("HR"), {"t": "env", "mid": "9" * 32}, id="9999999999999-0")
    p2, p3 = await _accept(s, "2" * 32, b"m2"), await _accept(s, "3" * 32, b"m3")
    entries = await s.log.range(p2, p3)
    res = await s.routing.route(entries)
    assert res.woke == {"BA", "HR", "RS"} and res.out_of_order == {"HR": 2}
    # routed again after a crash: found, not copied twice
    again = await s.routing.route(entries)
    assert again.woke == set() and again.out_of_order == {}
    assert await s.raw.xlen(inbox_key("HR")) == 4  # m1, the spurious one, m2, m3
    batch = await s.inbox.read("HR", DEV, 10)
    assert [e.data for e in batch.entries] == [b"m1", b"m2", b"m3"]
    assert [e.log_id for e in batch.entries] == [first, p2, p3]
    moved = [f for _i, f in await s.raw.xrange(inbox_key("HR")) if b"log" in f]
    assert [f[b"log"] for f in moved] == [p2.encode(), p3.encode()]  # the two out of order
    assert [f.id for f in batch.foreign] == ["9999999999999-0"]
    # BA's inbox had nothing spurious: same ids as the log, in order
    ba = await s.inbox.read("BA", "BA/officer-1", 10)
    assert [e.id for e in ba.entries] == [first, p2, p3] and ba.foreign == []
