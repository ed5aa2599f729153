"""Routing into inboxes: in log order, idempotent, past a spurious high id, and by the append
itself when the log is routed up to it."""

from __future__ import annotations

from hotline.protocol.events import LogEvent
from hotline.server.streams import AcceptResult, Streams, inbox_key
from hotline.server.streams.keys import CURSOR, NOTIFY
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


async def test_an_append_on_a_routed_log_routes_itself_in_the_same_call(s: Streams) -> None:
    """Why: append, then the router's wake-up and its route script, were two calls and
    two fsyncs on every FLASH's path."""
    item = ("c" * 32, "d", "RS", ("HR",), b"event", ("BA", "HR", "RS"), "urgent")
    before = await _evalsha_calls(s)
    (res,) = await s.log.accept_many([item], routed_by="hub-a")
    assert await _evalsha_calls(s) - before == 1
    assert isinstance(res, AcceptResult) and res.routed == (1, 1, 1) and res.index == 0
    for party in ("BA", "HR", "RS"):
        refs = await s.raw.xrange(inbox_key(party, "urgent"))
        assert [(i.decode(), f[b"mid"].decode()) for i, f in refs] == [(res.position, "c" * 32)]
    assert await s.routing.cursor() == res.position
    ((_nid, note),) = await s.raw.xrange(NOTIFY)
    assert note == {b"p": b"BA,HR,RS", b"h": b"hub-a"}  # other hubs wake their pumps
    # the next one too, and a retry routes nothing again
    nxt = ("e" * 32, "d", "RS", ("HR",), b"event", ("HR", "RS"), "urgent")
    again, second = await s.log.accept_many([item, nxt], routed_by="hub-a")
    assert again == AcceptResult(res.position, True)
    assert isinstance(second, AcceptResult) and second.routed == (1, 1)
    assert await s.raw.xlen(inbox_key("HR", "urgent")) == 2 and await s.raw.xlen(NOTIFY) == 2
    # routine traffic is left to the router, which routes it 64 entries a call
    routine = ("f" * 32, "d", "RS", ("HR",), b"event", ("HR", "RS"), "routine")
    (third,) = await s.log.accept_many([routine], routed_by="hub-a")
    assert isinstance(third, AcceptResult) and third.routed is None
    assert await s.raw.xlen(inbox_key("HR")) == 0 and await s.routing.cursor() == second.position


async def test_an_append_behind_the_router_is_left_to_it(s: Streams) -> None:
    """An inbox holds references in log order: an entry after one not yet routed waits."""
    await s.log.append_event("hub_start", b"x")  # appended, not yet passed by the router
    item = ("c" * 32, "d", "RS", ("HR",), b"event", ("HR", "RS"), "urgent")
    (res,) = await s.log.accept_many([item], routed_by="hub-a")
    assert isinstance(res, AcceptResult) and res.routed is None
    assert await s.raw.xlen(inbox_key("HR", "urgent")) == 0 and await s.routing.cursor() == "0-0"
    rc = await s.log.record_receipt(
        "c" * 32, DEV, 0, b"r", ("HR", "RS"), "urgent", routed_by="hub-a"
    )
    assert rc is not None and rc.routed is None
    # the router passes both; from there appends route themselves again
    entries = await s.log.range()
    await s.routing.route(entries)
    await s.routing.routed(entries[-1].id, set(), "hub-a")
    rc2 = await s.log.record_receipt(
        "c" * 32, DEV, 2, b"r2", ("HR", "RS"), "urgent", routed_by="hub-a"
    )
    assert rc2 is not None and rc2.routed == (1, 1)
    assert [i.decode() for i, _f in await s.raw.xrange(inbox_key("HR", "urgent"))] == [
        e.id for e in entries[1:]
    ] + [rc2.position]


async def test_an_append_above_a_foreign_top_is_routed_and_reported(s: Streams) -> None:
    spurious = {"t": "env", "mid": "9" * 32}
    await s.raw.xadd(inbox_key("HR", "urgent"), spurious, id="9999999999999-0")
    event = LogEvent("accepted", 1, "HUB/hub-1", b"m1", {}).encode()
    item = ("c" * 32, "d", "RS", ("HR",), event, ("HR", "RS"), "urgent")
    (res,) = await s.log.accept_many([item], routed_by="hub-a")
    assert isinstance(res, AcceptResult) and res.routed == (2, 1)  # appended above it, said so
    batch = await s.inbox.read("HR", DEV, 10, lanes=("urgent",))
    assert [e.data for e in batch.entries] == [b"m1"]
    assert [e.log_id for e in batch.entries] == [res.position]


def _item(
    mid: str, lane: str
) -> tuple[str, str, str, tuple[str, ...], bytes, tuple[str, ...], str]:
    return (mid * 32, "d", "RS", ("HR",), b"event", ("HR", "RS"), lane)


async def test_a_mixed_burst_keeps_its_order_when_redis_lost_one_script(s: Streams) -> None:
    """Found in review: after a restart only APPEND was loaded again (a routine write);
    the urgent job of a [urgent, routine] burst failed NOSCRIPT, ran on the retry, and
    the log held the burst as [routine, urgent]."""
    await s.raw.script_flush()
    await s.log.accept_many([_item("a", "routine")], routed_by="hub-a")  # loads APPEND only
    res = await s.log.accept_many([_item("b", "urgent"), _item("c", "routine")], routed_by="h")
    assert all(isinstance(r, AcceptResult) for r in res)
    assert [e.mid[0] for e in await s.log.range()] == ["a", "b", "c"]


async def test_an_inbox_that_refuses_leaves_the_append_standing(s: Streams) -> None:
    """Found in review: a failing write after the append failed the whole script, and a
    logged FLASH was answered "not accepted"; parties routed before it were never woken."""
    await s.raw.set(NOTIFY, "not a stream")  # the best-effort note cannot be written
    (ok,) = await s.log.accept_many([_item("d", "urgent")], routed_by="hub-a")
    assert isinstance(ok, AcceptResult) and ok.routed == (1, 1)
    await s.raw.delete(NOTIFY)
    await s.raw.set(inbox_key("RS", "urgent"), "x")  # RS's inbox is not a stream
    (res,) = await s.log.accept_many([_item("e", "urgent")], routed_by="hub-a")
    assert isinstance(res, AcceptResult) and res.routed == (1, 0)  # HR routed and woken
    assert await s.routing.cursor() == ok.position  # not moved: the router comes back
    ((_i, note),) = await s.raw.xrange(NOTIFY)
    assert note[b"p"] == b"HR"
    await s.raw.delete(inbox_key("RS", "urgent"))  # repaired
    again = await s.routing.route(await s.log.range(res.position, res.position))
    assert again.woke == {"RS"}


async def test_a_late_router_step_does_not_move_the_cursor_back(s: Streams) -> None:
    """Found in review: a router that lost its lease finished one step late and set the
    cursor back past a FLASH that had routed itself; the next FLASH then did not."""
    await s.log.accept_many([_item("a", "routine")], routed_by="hub-a")
    stale = await s.log.range()  # the old router read this, then stalled
    await s.routing.route(stale)
    await s.routing.routed(stale[-1].id, set(), "hub-b")  # the new leader passed it
    (u,) = await s.log.accept_many([_item("b", "urgent")], routed_by="hub-a")
    assert isinstance(u, AcceptResult) and u.routed == (1, 1)
    await s.routing.routed(stale[-1].id, {"HR"}, "hub-a")  # the stale router, late
    assert await s.routing.cursor() == u.position
    (u2,) = await s.log.accept_many([_item("c", "urgent")], routed_by="hub-a")
    assert isinstance(u2, AcceptResult) and u2.routed == (1, 1)
    assert (await s.raw.xrevrange(NOTIFY, count=1))[0][1] == {b"p": b"HR,RS", b"h": b"hub-a"}


async def test_a_burst_of_accepts_runs_as_one_transaction(s: Streams) -> None:
    """Found by attack: a SCRIPT FLUSH and reload by another client between two jobs of
    a burst let the second run before the first's retry (log order broken)."""
    await s.log.accept_many([_item("0", "urgent")], routed_by="h")  # the script is loaded
    multi = (await s.raw.info("commandstats")).get("cmdstat_multi", {}).get("calls", 0)
    res = await s.log.accept_many([_item("a", "urgent"), _item("b", "urgent")], routed_by="h")
    assert all(isinstance(r, AcceptResult) for r in res)
    assert (await s.raw.info("commandstats"))["cmdstat_multi"]["calls"] == multi + 1


async def test_a_cursor_nobody_routed_to_is_not_taken_as_routed(s: Streams) -> None:
    """Found by attack: a cursor set above the log (or to garbage) in Redis made the
    next FLASH route itself past unrouted entries, or fail every FLASH "unavailable"."""
    (first,) = await s.log.accept_many([_item("a", "routine")], routed_by="hub-a")
    for bogus in ("99999999999999-0", "garbage"):
        await s.raw.set(CURSOR, bogus)
        (u,) = await s.log.accept_many([_item(bogus[0], "urgent")], routed_by="hub-a")
        assert isinstance(u, AcceptResult) and u.routed is None  # left to the router
        assert await s.routing.cursor() == bogus
    # the router's record overwrites it (here as the router would, after routing)
    await s.routing.routed(first.position, set(), "hub-a")
    assert await s.routing.cursor() == first.position
