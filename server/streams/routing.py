"""Routing the log into inboxes (references only, design D5) and waking other hubs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .cache import LogRecord, PayloadCache
from .errors import guarded
from .keys import CURSOR, NOTIFY, inbox_key
from .scripts import MOVE_CURSOR, ROUTE, ROUTE_MANY, Job, Scripts
from .types import LogEntry, RouteResult, as_str

__all__ = ["KIND", "Routing", "kind_of"]

UNREACHABLE = "the inboxes are not reachable"
#: log entries per ROUTE_MANY call: a script holds Redis for its whole run, and a FLASH
#: accept on another connection waits behind it (64 entries × 7 inboxes ≈ 1 ms)
PER_CALL = 64
#: what an inbox reference calls its log entry (other routed types keep their name)
KIND = {"accepted": "env", "receipt": "rcpt"}


def kind_of(log_type: str) -> str:
    return KIND.get(log_type, log_type)


class Routing:
    def __init__(self, client: Any, scripts: Scripts, cache: PayloadCache) -> None:
        self.r = client
        self.scripts = scripts
        self.cache = cache

    @guarded(UNREACHABLE)
    async def route(self, entries: Sequence[LogEntry]) -> RouteResult:
        """Add a reference ``{t, mid, n}`` under the entry's id to its parties' inboxes.

        Idempotent: an entry already routed (a router that died mid-batch) is found
        and skipped. A log entry goes to exactly one lane of each party's inbox.
        """
        jobs = [(p, e) for e in entries for p in e.to]
        if not jobs:
            return RouteResult(set(), {})
        for e in entries:
            if e.to:  # this hub's pumps will want it next: keep it at hand
                self.cache.put(LogRecord.of(e))
        replies = await self._route([e for e in entries if e.to], jobs)
        woke: set[str] = set()
        foreign: dict[str, int] = {}
        for (party, _e), reply in zip(jobs, replies, strict=True):
            if isinstance(reply, Exception):
                raise reply  # nothing is recorded as routed: the next attempt repeats it
            code = int(reply)
            if code:
                woke.add(party)
            if code == 2:
                foreign[party] = foreign.get(party, 0) + 1
        return RouteResult(woke, foreign)

    async def _route(self, entries: list[LogEntry], jobs: list[tuple[str, LogEntry]]) -> list[Any]:
        """One code (or error) per job (party, entry): ROUTE_MANY per batch of entries,
        ROUTE per job on a Cluster."""
        if self.scripts.cluster:
            return await self.scripts.pipeline([_one(p, e) for p, e in jobs])
        batches = [entries[i : i + PER_CALL] for i in range(0, len(entries), PER_CALL)]
        replies = await self.scripts.pipeline([_many(b) for b in batches])
        out: list[Any] = []
        for batch, reply in zip(batches, replies, strict=True):
            n = sum(len(e.to) for e in batch)
            out.extend([reply] * n if isinstance(reply, Exception) else reply)
        return out

    @guarded(UNREACHABLE)
    async def cursor(self) -> str:
        v = await self.r.get(CURSOR)
        return as_str(v) if v else "0-0"

    @guarded(UNREACHABLE)
    async def routed(self, cursor: str, parties: set[str], source: str) -> None:
        """Record the routing cursor and tell the other hubs which parties got something.

        One round trip; only after the routing itself succeeded (a cursor moved past an
        entry that was not routed would lose it). Never backwards (``MOVE_CURSOR``), but
        on a Cluster, where no append routes itself.
        """
        if not self.scripts.cluster:
            args = [cursor, ",".join(sorted(parties)), source]
            await self.scripts.call(MOVE_CURSOR, [CURSOR, NOTIFY], args)
            return
        pipe = self.r.pipeline(transaction=False)
        pipe.set(CURSOR, cursor)
        if parties:
            note = {"p": ",".join(sorted(parties)), "h": source}
            pipe.xadd(NOTIFY, note, maxlen=10_000, approximate=True)
        await pipe.execute()

    @guarded(UNREACHABLE)
    async def read_notify(
        self, after: str, block_ms: int, skip_source: str = ""
    ) -> tuple[str, set[str]]:
        """Parties routed to since ``after``; a hub skips its own notes (it woke its pumps)."""
        res = await self.r.xread({NOTIFY: after}, block=block_ms, count=1000)
        parties: set[str] = set()
        last = after
        for _key, entries in res or []:
            for eid, f in entries:
                last = as_str(eid)
                if skip_source and as_str(f.get(b"h", b"")) == skip_source:
                    continue
                parties.update(p for p in as_str(f.get(b"p", b"")).split(",") if p)
        return last, parties

    @guarded(UNREACHABLE)
    async def notify_tail(self) -> str:
        res = await self.r.xrevrange(NOTIFY, count=1)
        return as_str(res[0][0]) if res else "0-0"


def _one(party: str, e: LogEntry) -> Job:
    return ROUTE, [inbox_key(party, e.lane)], [e.id, kind_of(e.type), e.mid, _n(e)]


def _many(entries: list[LogEntry]) -> Job:
    keys: dict[str, int] = {}
    args: list[Any] = []
    for e in entries:
        idx = [keys.setdefault(inbox_key(p, e.lane), len(keys) + 1) for p in e.to]
        args += [e.id, kind_of(e.type), e.mid, _n(e), ",".join(map(str, idx))]
    return ROUTE_MANY, list(keys), args


def _n(e: LogEntry) -> str:
    return "" if e.index is None else str(e.index)
