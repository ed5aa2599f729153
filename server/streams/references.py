"""Inbox references resolved against the log (design D5): deliveries only from the log.

An inbox entry is a reference ``{t, mid, n}`` under its log entry's id, or, appended
out of order, ``{t, mid, log, n}`` naming it; what is delivered is always read from
the log entry it names (from the hub's cache, or one XRANGE per miss, pipelined).
A ``d`` field is never read. A reference the router cannot have written — no such log
entry, a log entry not routed to this party or not in this lane, another message id or
leaf index, an entry that does not decode — is *foreign*: it is moved to the party's
dead-letter stream and acknowledged, never delivered; the caller alerts on it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from typing import Any

from hotline.protocol import Unavailable

from .cache import LogRecord, PayloadCache
from .errors import guarded
from .keys import dlq_key, inbox_key
from .log import Log
from .routing import kind_of
from .types import Foreign, InboxBatch, InboxEntry, as_str

__all__ = ["Raw", "References"]

#: a Redis stream id; anything else in a reference names no log entry
STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")
UNREACHABLE = "the inboxes are not reachable"

#: (inbox entry id, fields, lane, times delivered)
Raw = tuple[str, dict[bytes, Any], str, int]


def _log_id(eid: str, f: dict[bytes, Any]) -> str:
    return as_str(f[b"log"]) if b"log" in f else eid  # references before D5: same id


def _judge(party: str, lane: str, f: dict[bytes, Any], rec: LogRecord | None) -> str:
    """Why this reference is foreign, or "" if the router wrote it."""
    if rec is None:
        return "no such log entry"
    e = rec.entry
    if party not in e.to:
        return f"log entry {e.id} is not routed to {party}"
    if e.lane != lane:
        return f"log entry {e.id} is in the {e.lane} lane"
    if b"mid" in f and as_str(f[b"mid"]) != e.mid:
        return f"message id differs from log entry {e.id}"
    n = as_str(f.get(b"n", b""))
    if n and e.index is not None and n != str(e.index):
        return f"leaf index {n} differs from log entry {e.id}'s {e.index}"
    if rec.payload is None:
        return f"log entry {e.id} does not decode"
    return ""


class References:
    def __init__(self, client: Any, log: Log, cache: PayloadCache) -> None:
        self.r = client
        self.log = log
        self.cache = cache
        # log ids being read from Redis now, and the record each read will give
        self._reading: dict[str, asyncio.Future[LogRecord | None]] = {}

    @guarded(UNREACHABLE)
    async def resolve(self, party: str, device: str, raw: Sequence[Raw]) -> InboxBatch:
        """Deliveries for ``raw`` (in order) and the foreign ones, already dead-lettered."""
        records = await self._records({_log_id(eid, f) for eid, f, _l, _d in raw})
        batch = InboxBatch()
        for eid, f, lane, times in raw:
            log_id = _log_id(eid, f)
            rec = records.get(log_id)
            reason = _judge(party, lane, f, rec)
            if reason or rec is None or rec.payload is None:
                batch.foreign.append(Foreign(eid, lane, log_id, reason))
                continue
            e = rec.entry
            batch.entries.append(
                InboxEntry(
                    eid, kind_of(e.type), rec.payload, e.mid, times, lane, e.id, e.index, e.event
                )
            )
        if batch.foreign:
            await self._dead_letter(party, device, batch.foreign)
        return batch

    async def _records(self, ids: set[str]) -> dict[str, LogRecord]:
        """The records of ``ids`` that exist: the cache's, then one read for the rest.

        A miss already being read by another pump of this hub is waited for, not read
        again. Why: a pump is woken per party, so the devices of a hub that did not
        route an entry (another hub's router did) all missed it at once and each read
        the same 19 KB entry back from Redis and decoded it.
        """
        found: dict[str, LogRecord] = {}
        for i in ids:
            if (hit := self.cache.get(i)) is not None:
                found[i] = hit
        missing = [i for i in ids if i not in found and STREAM_ID.fullmatch(i)]
        theirs = {i: self._reading[i] for i in missing if i in self._reading}
        mine = [i for i in missing if i not in theirs]
        if mine:
            await self._read(mine, found)
        for i, fut in theirs.items():
            # shielded: this pump cancelled must not cancel the read the others wait on
            if (rec := await asyncio.shield(fut)) is not None:
                found[i] = rec
        return found

    async def _read(self, ids: list[str], found: dict[str, LogRecord]) -> None:
        """Read ``ids`` from the log into ``found`` and the cache; others may wait on it."""
        loop = asyncio.get_running_loop()
        futs = {i: loop.create_future() for i in ids}
        self._reading.update(futs)
        failed: BaseException | None = None
        try:
            for i, entry in (await self.log.entries(ids)).items():
                found[i] = LogRecord.of(entry)
                self.cache.put(found[i])
        except BaseException as exc:
            failed = exc
            raise
        finally:
            for i, fut in futs.items():
                if self._reading.get(i) is fut:
                    del self._reading[i]
                if failed is None:
                    fut.set_result(found.get(i))  # None: no such entry (foreign)
                else:  # not "no such entry": those waiting fail too, and resync
                    err = failed if isinstance(failed, Exception) else Unavailable(UNREACHABLE)
                    fut.set_exception(err)
                    fut.exception()  # retrieved: nobody may be waiting

    async def _dead_letter(self, party: str, device: str, foreign: Sequence[Foreign]) -> None:
        """Keep each foreign reference aside (without any payload) and ack it: one trip."""
        pipe = self.r.pipeline(transaction=False)
        for x in foreign:
            pipe.xadd(
                dlq_key(party),
                {
                    "device": device,
                    "id": x.id,
                    "log": x.log_id,
                    "lane": x.lane,
                    "reason": f"foreign: {x.reason}",
                },
            )
            pipe.xack(inbox_key(party, x.lane), device, x.id)
        await pipe.execute()
