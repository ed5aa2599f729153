"""Inbox backlog (for /metrics) and retention: trim below what every group still needs."""

from __future__ import annotations

from typing import Any

from redis.exceptions import ResponseError

from .errors import guarded
from .keys import LANES, inbox_key
from .types import as_str, id_lt, next_id

__all__ = ["Retention"]

UNREACHABLE = "the inboxes are not reachable"


async def _groups(r: Any, key: str) -> list[dict[str, Any]]:
    try:
        return list(await r.xinfo_groups(key))
    except ResponseError as exc:
        if "no such key" not in str(exc).lower():
            raise
        return []  # an inbox nobody has been routed to yet


class Retention:
    def __init__(self, client: Any) -> None:
        self.r = client

    @guarded(UNREACHABLE)
    async def backlog(self, party: str) -> int:
        """Entries not yet acknowledged by the slowest device group of the party."""
        per_group: dict[str, int] = {}
        for lane in LANES:
            for g in await _groups(self.r, inbox_key(party, lane)):
                n = int(g.get("pending", 0)) + int(g.get("lag") or 0)
                per_group[as_str(g["name"])] = per_group.get(as_str(g["name"]), 0) + n
        return max(per_group.values(), default=0)

    @guarded(UNREACHABLE)
    async def trim_inbox(self, party: str, older_than_ms: int) -> int:
        """Trim both lanes below the oldest entry any group still needs (MINID), never MAXLEN."""
        trimmed = 0
        for lane in LANES:
            trimmed += await self._trim_lane(inbox_key(party, lane), older_than_ms)
        return trimmed

    async def _trim_lane(self, key: str, older_than_ms: int) -> int:
        groups = await _groups(self.r, key)
        if not groups:
            return 0
        floor = f"{older_than_ms}-0"
        for g in groups:
            last = as_str(g["last-delivered-id"])
            if id_lt(last, floor):
                floor = next_id(last)  # entries after last-delivered are still unread
            pend = await self.r.xpending(key, as_str(g["name"]))
            if pend and pend.get("pending"):
                lo = as_str(pend["min"])
                if id_lt(lo, floor):
                    floor = lo
        return int(await self.r.xtrim(key, minid=floor, approximate=False))
