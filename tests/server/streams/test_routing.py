"""Routing into inboxes: a spurious high id in an inbox does not make the router drop messages."""

from __future__ import annotations

from hotline.server.streams import Streams, inbox_key
from tests.server.streams.helpers import DEV, accept, accept_and_route


async def test_a_spurious_high_id_does_not_make_the_router_drop_messages(s: Streams) -> None:
    """Issue 15: one spurious entry with a high id made two later messages vanish for HR."""
    first = await accept_and_route(s, "1" * 32, b"m1")
    await s.raw.xadd(inbox_key("HR"), {"t": "env", "mid": "9" * 32}, id="9999999999999-0")
    p2, p3 = await accept(s, "2" * 32, b"m2"), await accept(s, "3" * 32, b"m3")
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


async def _evalsha_calls(s: Streams) -> int:
    """EVALSHA calls that ran (a first NOSCRIPT reply, before the script is loaded, fails)."""
    got = (await s.raw.info("commandstats")).get("cmdstat_evalsha", {})
    return int(got.get("calls", 0)) - int(got.get("failed_calls", 0))


async def test_a_batch_is_routed_in_one_script_call_per_64_entries(s: Streams) -> None:
    """Why: one EVALSHA per entry and inbox was 7 commands a message on the hub's hot path."""
    first = await accept(s, "a" * 32, b"m0")
    for i in range(1, 150):
        await accept(s, f"{i:032x}", b"m%d" % i)
    entries = await s.log.range(first, "+")
    assert len(entries) == 150  # 3 parties each
    before = await _evalsha_calls(s)
    res = await s.routing.route(entries)
    assert await _evalsha_calls(s) - before == 3  # 64 + 64 + 22
    assert res.woke == {"BA", "HR", "RS"} and res.out_of_order == {}
    batch = await s.inbox.read("HR", DEV, 200)
    assert [e.data for e in batch.entries] == [b"m0", *(b"m%d" % i for i in range(1, 150))]
    assert [e.log_id for e in batch.entries] == [e.id for e in entries]
    # routed again (a router that died mid-batch): nothing copied twice, nobody woken
    again = await s.routing.route(entries)
    assert again.woke == set() and await s.raw.xlen(inbox_key("BA")) == 150
