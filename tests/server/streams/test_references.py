"""Deliveries only from the log (design D4/D5) against a real redis-server.

Inbox entries are references ``{t, mid, n}`` under their log entry's id (``log`` names
it when they cannot have that id); the payload is read from the log
entry they name. Whatever someone with write access to Redis puts into an inbox
itself — a ``d`` copy, a reference to a missing or foreign entry, an entry above the
log's ids — is never delivered (the router's side: ``test_routing.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from hotline.protocol import Unavailable
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import LOG, Streams, dlq_key, inbox_key
from tests.server.streams.helpers import DEV, accept_and_route
from tests.waits import wait_until


async def test_inboxes_hold_references_and_pumps_read_the_log(
    s: Streams, redis_server: RedisProcess
) -> None:
    other_hub = Streams.open(redis_server.url)
    try:
        payload = b"sealed envelope " * 400
        pos = await accept_and_route(s, "a" * 32, payload)
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


async def test_a_reference_whose_log_entry_is_gone_is_not_delivered(
    s: Streams, redis_server: RedisProcess
) -> None:
    pos = await accept_and_route(s, "c" * 32, b"payload")
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
    pos = await accept_and_route(s, "d" * 32, b"the real message")
    await s.raw.xadd(inbox_key("HR"), forged)  # and one above the log's ids
    # and a "d" added to a real reference is ignored: the log's payload is delivered
    await s.raw.xadd(inbox_key("HR"), {"t": "env", "d": b"forged", "mid": "d" * 32, "log": pos})
    batch = await s.inbox.read("HR", DEV, 10)
    assert [e.data for e in batch.entries] == [b"the real message", b"the real message"]
    assert len(batch.foreign) == 2 and b"forged envelope" not in str(batch).encode()
    assert await s.inbox.pending("HR", DEV) == 2  # the two real ones wait for their acks


async def test_references_the_router_cannot_have_written_are_foreign(s: Streams) -> None:
    pos = await accept_and_route(s, "f" * 32, b"for HR and BA only")
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


async def _cold_reads_of_three_parties(cold: Streams, gate: asyncio.Event) -> list[Any]:
    """HR's, BA's and RS's pumps on a hub that did not route the entry, all at once."""
    for p in ("HR", "BA", "RS"):
        await cold.inbox.ensure_group(p, f"{p}/officer-1")
    calls: list[list[str]] = []
    real = cold.log.entries

    async def counted(ids: Any) -> Any:
        calls.append(list(ids))
        await gate.wait()  # every pump has missed by now
        return await real(ids)

    cold.log.entries = counted  # type: ignore[method-assign]
    reads = [
        asyncio.create_task(cold.inbox.read(p, f"{p}/officer-1", 10)) for p in ("HR", "BA", "RS")
    ]
    await wait_until(lambda: cold.cache.misses >= 3, what="every pump to miss the entry")
    gate.set()
    return [calls, *await asyncio.gather(*reads, return_exceptions=True)]


async def test_pumps_missing_the_same_entry_at_once_share_one_read(
    s: Streams, redis_server: RedisProcess
) -> None:
    payload = b"sealed envelope " * 1200
    pos = await accept_and_route(s, "e" * 32, payload)
    cold = Streams.open(redis_server.url)  # another hub: its cache never saw the entry
    try:
        calls, *batches = await _cold_reads_of_three_parties(cold, asyncio.Event())
        assert calls == [[pos]], "each pump read the entry back for itself"
        assert [[e.data for e in b.entries] for b in batches] == [[payload]] * 3
    finally:
        await cold.close()


async def test_a_shared_read_that_fails_fails_every_pump_waiting_not_as_foreign(
    s: Streams, redis_server: RedisProcess
) -> None:
    pos = await accept_and_route(s, "f" * 32, b"payload")
    cold = Streams.open(redis_server.url)
    try:
        real = cold.log.entries

        async def down(ids: Any) -> Any:
            await real(ids)
            raise Unavailable("the log is not reachable")

        cold.log.entries = down  # type: ignore[method-assign]
        _calls, *got = await _cold_reads_of_three_parties(cold, asyncio.Event())
        assert all(isinstance(g, Unavailable) for g in got), got  # they resync: nothing lost
        assert await s.raw.xlen(dlq_key("HR")) == 0  # and nothing was dead-lettered
        assert pos
    finally:
        await cold.close()
