"""A refusal is a refusal (issue 16 item 3): one test per error code the hub can answer.

The outbox is driven through its seams: a real store, the socket side recorded. A
transient code keeps the message in the outbox (it is resent); every other code moves it
out for good into ``refused`` with the code and the hub's reason, and the sender is told.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hotline.client.events import Event, SendRejected
from hotline.client.home import Home
from hotline.client.outbox import Outbox
from hotline.client.rosters import RosterBook
from hotline.client.store import Composed, Store
from hotline.protocol import parse_id_text
from hotline.protocol.errors import _BY_CODE, ProtocolError
from hotline.protocol.frames import Error
from hotline.runtime.clock import now_ms
from tests.client.helpers import built

CODES = sorted(_BY_CODE)


class Recorder:
    def __init__(self) -> None:
        self.submits: list[bytes] = []

    def submit(self, mid: bytes, envelope: bytes) -> None:
        self.submits.append(mid)

    def receipt(self, data: bytes, urgent: bool = False) -> None:
        pass  # receipts are not what this test is about


class CountingStore(Store):
    """A real store that notes how many sends each of its commits queued."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.batches: list[int] = []

    def queue_many(self, builds: list[Any]) -> list[Composed | Exception]:
        self.batches.append(len(builds))
        return super().queue_many(builds)


def _outbox(
    home: Path, store_type: type[Store] = Store
) -> tuple[Outbox, Store, list[Event], Recorder]:
    h = Home(home)
    dev = h.device("RS/officer-1")
    store = store_type(dev.directory / "store.sqlite")
    events: list[Event] = []
    rec = Recorder()

    async def send(op: Callable[[Any], None]) -> None:
        op(rec)

    box = Outbox(device=dev, store=store, rosters=RosterBook(h.rosters()), send=send,
                 emit=events.append, clock=now_ms)  # fmt: skip
    return box, store, events, rec


@pytest.mark.parametrize("code", CODES)
async def test_each_refusal_code(home: Path, code: str) -> None:
    box, store, events, rec = _outbox(home)
    res = await box.send("HR", "hotline_message", {"text": "x", "lang": "en"}, timeout=0)
    assert res.status == "queued" and store.in_outbox(res.id)
    assert rec.submits == [parse_id_text(res.id)]  # durable first, then submitted
    transient = _BY_CODE[code].transient
    handled = box.on_error(Error(code, f"the hub says {code}", parse_id_text(res.id)))
    assert handled
    box.cancel_retries()
    sent = {s["id"]: s for s in store.sent()}[res.id]
    if transient:  # nothing was promised; it stays and goes again
        assert store.in_outbox(res.id) and sent["state"] == "queued"
        assert not [e for e in events if isinstance(e, SendRejected)]
    else:  # never resent: the same bytes would be refused (and audited) again
        assert not store.in_outbox(res.id) and sent["state"] == "refused"
        assert sent["error"].startswith(f"{code}: the hub says {code}")
        (ev,) = [e for e in events if isinstance(e, SendRejected)]
        assert ev.id == res.id and ev.code == code
    store.close()


def test_the_transient_codes_are_the_few_that_may_succeed_later() -> None:
    transient = sorted(c for c, cls in _BY_CODE.items() if cls.transient)
    assert transient == [
        "integrity_alarm",
        "internal_error",
        "rate_limited",
        "request_timeout",
        "roster_behind",
        "unavailable",
    ]
    assert not ProtocolError.transient


async def test_sends_made_in_one_loop_turn_share_one_commit(home: Path) -> None:
    box, store, _events, _rec = _outbox(home, CountingStore)
    assert isinstance(store, CountingStore)
    try:
        cancelled = asyncio.ensure_future(box.queue(built))
        first = [asyncio.ensure_future(box.queue(built)) for _ in range(4)]
        await asyncio.sleep(0)  # the tasks have queued; cancel one before the write
        cancelled.cancel()
        got = await asyncio.gather(*first)
        assert [b.mid for b in got] == ["id-1", "id-2", "id-3", "id-4"]
        assert store.batches == [4]  # one commit; the cancelled send was not written
        alone = await box.queue(built)
        assert alone.mid == "id-5" and store.batches == [4, 1]
        assert [m for m, _e in store.outbox()] == [f"id-{i}" for i in range(1, 6)]
    finally:
        store.close()
