"""Routing the log into inboxes (references only, design D5) and waking other hubs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .cache import LogRecord, PayloadCache
from .errors import guarded
from .keys import CURSOR, NOTIFY, inbox_key
from .scripts import ROUTE, Scripts
from .types import LogEntry, RouteResult, as_str

__all__ = ["KIND", "Routing", "kind_of"]

UNREACHABLE = "the inboxes are not reachable"
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
        replies = await self.scripts.pipeline(
            [
                (ROUTE, [inbox_key(p, e.lane)], [e.id, kind_of(e.type), e.mid, _n(e)])
                for p, e in jobs
            ]
        )
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

    @guarded(UNREACHABLE)
    async def cursor(self) -> str:
        v = await self.r.get(CURSOR)
        return as_str(v) if v else "0-0"

    @guarded(UNREACHABLE)
    async def routed(self, cursor: str, parties: set[str], source: str) -> None:
        """Record the routing cursor and tell the other hubs which parties got something.

        One round trip; only after the routing itself succeeded (a cursor moved past an
        entry that was not routed would lose it).
        """
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


def _n(e: LogEntry) -> str:
    return "" if e.index is None else str(e.index)
