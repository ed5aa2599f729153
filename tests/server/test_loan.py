"""A parked pump lends its next urgent read to the append that routes to it (server/loan.py).

Why these tests: the loan saves the pump's own read (a write, a second fsync) on the
FLASH path, and it is only safe if one reader reads at a time and every loan comes
back — a lost loan stalls a device, a failed one must make the pump resend its pending.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from hotline.client.events import ReceiptUpdated
from hotline.protocol import Unavailable
from hotline.protocol.events import LogEvent
from hotline.server.appkeys import METRICS, REGISTRY
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import Streams
from hotline.server.streams.scripts import APPEND_ROUTED
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import start_hub
from tests.server.helpers import rs_and_hr
from tests.server.test_delivery import _pump
from tests.waits import texts_until, wait_until

T = 15 * TIMEOUT_FACTOR


def _flash(i: int) -> tuple[Any, ...]:
    ev = LogEvent("accepted", 1, "HUB/hub-1", b"flash %d" % i, {}).encode()
    return (f"{i:032x}", "d", "RS", ("HR",), ev, ("HR",), "urgent")


class _Watched:
    """A pump on real Redis whose own reads and sends are recorded, in order."""

    def __init__(self, streams: Streams) -> None:
        self.streams = streams
        self.reads = 0
        self.sent: list[tuple[str, int]] = []  # (inbox id, own reads so far)
        real = streams.inbox.read

        async def read(*a: Any, **kw: Any) -> Any:
            self.reads += 1
            return await real(*a, **kw)

        streams.inbox.read = read  # type: ignore[method-assign]

        async def send(e: Any) -> None:
            self.sent.append((e.id, self.reads))

        self.pump = _pump(streams, send)

    async def __aenter__(self) -> _Watched:
        # loaded, as on a running hub: after NOSCRIPT the append runs again alone, and the
        # read beside it (which found nothing) is not repeated; the pump reads for itself
        await self.streams.raw.script_load(APPEND_ROUTED.source)
        self.task = asyncio.create_task(self.pump.run())
        await wait_until(lambda: self.pump.parked, T, "the pump to park")
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.task.cancel()
        await asyncio.wait({self.task}, timeout=T)
        await self.streams.close()

    async def append_with_loan(self, i: int) -> Any:
        loan = self.pump.lend()
        assert loan is not None and (loan.party, loan.device) == ("HR", "HR/officer-1")
        (res,), (reply,) = await self.streams.log.accept_and_read(
            [_flash(i)], routed_by="hub-a", reads=[(loan.party, loan.device, loan.count)]
        )
        assert res.routed == (1,)  # routed in its own append: the read finds it
        return loan, res, reply


async def test_a_lent_read_delivers_before_the_pump_reads_anything(
    redis_server: RedisProcess,
) -> None:
    async with _Watched(Streams.open(redis_server.url)) as w:
        before = w.reads
        loan, res, reply = await w.append_with_loan(1)
        loan.give(reply)
        await wait_until(lambda: w.sent, T, "the FLASH to be sent")
        assert w.sent[0] == (res.position, before), "the pump read for itself first"
        assert w.pump.metrics.get("hotline_lent_reads_total") == 1


async def test_a_flash_receipt_is_read_in_its_own_append(redis_server: RedisProcess) -> None:
    """A FLASH's receipt routes itself to the sender's party too: its pumps' reads are
    lent to it, so the sender hears "delivered" without a read (and fsync) of its own."""
    async with _Watched(Streams.open(redis_server.url)) as w:
        loan, _res, reply = await w.append_with_loan(3)
        loan.give(reply)
        await wait_until(lambda: w.sent and w.pump.parked, T, "the FLASH sent, the pump parked")
        before, loan = w.reads, w.pump.lend()
        assert loan is not None
        ev = LogEvent("receipt", 2, "HUB/hub-1", b"delivered", {}).encode()
        rc, (reply,) = await w.streams.log.receipt_and_read(
            f"{3:032x}", "HR/officer-1", 0, ev, ("HR",), "urgent", routed_by="hub-a",
            reads=[(loan.party, loan.device, loan.count)],
        )  # fmt: skip
        assert rc is not None and rc.routed == (1,)
        loan.give(reply)
        await wait_until(lambda: len(w.sent) == 2, T, "the receipt to be sent")
        assert w.sent[1] == (rc.position, before), "the pump read the receipt for itself"


async def test_a_failed_loan_makes_the_pump_send_its_pending_again(
    redis_server: RedisProcess, caplog: pytest.LogCaptureFixture
) -> None:
    """The read ran in Redis but its answer was lost: the entry is this device's in the
    PEL and will never come from a '>' read; the pump must resend its pending at once
    (its poll is 30 s and its reclaim 30 s idle here) — not after a backoff and a
    warning, as for a fault: the append that borrowed the read failed, not the pump."""
    caplog.set_level(logging.INFO, logger="hotline.hub.delivery")
    async with _Watched(Streams.open(redis_server.url)) as w:
        loan, res, _reply = await w.append_with_loan(2)
        loan.fail()
        await wait_until(lambda: w.sent, T, "the FLASH to be sent again")
        assert w.sent[0][0] == res.position
    assert [r.levelno for r in caplog.records] == [logging.INFO], caplog.text


async def test_a_pump_lends_only_when_parked_and_once(redis_server: RedisProcess) -> None:
    async with _Watched(Streams.open(redis_server.url)) as w:
        loan = w.pump.lend()
        assert loan is not None and loan.count == w.pump.window
        assert w.pump.lend() is None  # one reader at a time
        loan.give(None)  # nothing read
        await wait_until(lambda: w.pump.parked and w.pump.lend() is not None, T, "a new loan")
        w.pump.lanes["urgent"] |= {f"1-{i}": 0.0 for i in range(w.pump.window)}
        w.pump._loan = None  # (the loan just taken, dropped: the window is now full)
        assert w.pump.lend() is None  # no room in the urgent window


async def test_a_flash_to_a_connected_device_uses_its_lent_read(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with rs_and_hr(home, hub.url, "m1") as (rs, hr, q):
            res = await rs.send(
                "HR", "hotline_message", {"text": "m2", "lang": "en"}, precedence="FLASH"
            )
            assert res.status == "accepted"
            assert await texts_until(q, "m2", T) == ["m2"]
            assert hub.app[METRICS].get("hotline_lent_reads_total") >= 1
            # its acknowledgement (urgent too) borrows the parked pumps' reads as well
            log, lent = hub.streams.log, []
            real = log.receipt_and_read

            async def watched(*a: Any, **kw: Any) -> Any:
                lent.append(len(kw["reads"]))
                return await real(*a, **kw)

            log.receipt_and_read = watched  # type: ignore[method-assign]
            socks = hub.app[REGISTRY].all()
            await wait_until(lambda: all(s.pump.parked for s in socks), T, "pumps parked")
            rq = rs.subscribe()
            assert await hr.acknowledge(res.id)
            ev = await asyncio.wait_for(rq.get(), T)
            while not (isinstance(ev, ReceiptUpdated) and ev.kind == "acknowledged"):
                ev = await asyncio.wait_for(rq.get(), T)
            assert lent and lent[-1] >= 1, lent
    finally:
        await hub.stop()


async def test_every_loan_comes_back_when_the_accept_fails_after_redis_ran_it(
    home: Path, redis_server: RedisProcess
) -> None:
    """The transaction ran (appended, routed, the devices' reads made) and its answer
    was lost: the sender is told "not accepted", and the recipients' pumps, whose
    loans failed, resend what the reads made theirs — delivered, not stalled."""
    hub = await start_hub(home, redis_server.url, redeliver_idle_ms=600_000)
    try:
        async with rs_and_hr(home, hub.url, "m1") as (rs, _hr, q):
            log = hub.streams.log
            real = log.accept_and_read

            async def lost(*a: Any, **kw: Any) -> Any:
                await real(*a, **kw)
                log.accept_and_read = real  # type: ignore[method-assign]
                raise Unavailable("the answer was lost")

            log.accept_and_read = lost  # type: ignore[method-assign]
            await rs.send("HR", "hotline_message", {"text": "m2", "lang": "en"}, precedence="FLASH")
            assert await texts_until(q, "m2", T) == ["m2"]
            assert log.accept_and_read is real  # the failure really was injected
    finally:
        await hub.stop()
