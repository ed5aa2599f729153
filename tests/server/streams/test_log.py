"""The append-only log: every entry numbered, older logs migrated, retries take no index."""

from __future__ import annotations

from hotline.server.redis_process import RedisProcess
from hotline.server.streams import COUNTER, LOG, Streams
from tests.server.streams.helpers import DEV, accept


async def test_the_log_numbers_its_entries_and_old_logs_migrate(s: Streams) -> None:
    # a log written before D4: entries without "n", no counter
    for i in range(3):
        await s.raw.xadd(LOG, {"t": "rejected", "e": b"old %d" % i, "mid": "", "to": ""})
    assert not await s.raw.exists(COUNTER)
    first = await s.log.append_event("hub_start", b"x")
    pos = await accept(s, "b" * 32, b"p")
    rcpt = await s.log.record_receipt("b" * 32, DEV, 0, b"r", ("HR", "RS"))
    assert rcpt is not None
    entries = await s.log.range()
    assert [e.index for e in entries] == [None, None, None, 3, 4, 5]
    assert [e.id for e in entries[3:]] == [first, pos, rcpt.position]
    # idempotent retries and dropped receipts take no index
    assert (await s.log.accept("b" * 32, "digest", "RS", ("HR",), b"e", ("HR",))).duplicate
    assert await s.log.record_receipt("b" * 32, DEV, 0, b"r", ("HR", "RS")) is None
    assert int(await s.raw.get(COUNTER)) == 6 == await s.log.length()


async def test_accept_many_against_redis(redis_server: RedisProcess) -> None:
    """The pipelined accept: new, duplicate and conflicting ids in one round trip."""
    from hotline.protocol import ReplayError
    from hotline.server.streams import AcceptResult, Streams

    s = Streams.open(redis_server.url)
    try:
        item = ("aa" * 16, "d1", "RS", ("HR",), b"event-1", ("HR", "RS"), "routine")
        other = ("bb" * 16, "d2", "RS", ("HR",), b"event-2", ("HR", "RS"), "routine")
        clash = ("aa" * 16, "d9", "RS", ("HR",), b"forged", ("HR", "RS"), "routine")
        res = await s.log.accept_many([item, other, item, clash])
        assert isinstance(res[0], AcceptResult) and not res[0].duplicate
        assert isinstance(res[1], AcceptResult) and not res[1].duplicate
        assert res[2] == AcceptResult(res[0].position, True)
        assert isinstance(res[3], ReplayError)
        assert res[0].position < res[1].position
        assert await s.log.length() == 2
    finally:
        await s.raw.aclose()
