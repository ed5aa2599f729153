"""Party inboxes and their per-device consumer groups: read, reclaim, ack, dead-letter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redis.exceptions import ResponseError

from .errors import guarded
from .keys import LANES, dlq_key, inbox_key
from .references import Raw, References
from .types import ClaimResult, InboxBatch, InboxEntry, as_str

__all__ = ["Inboxes"]

UNREACHABLE = "the inboxes are not reachable"


class Inboxes:
    def __init__(self, client: Any, refs: References) -> None:
        self.r = client
        self.refs = refs

    @guarded(UNREACHABLE)
    async def ensure_group(self, party: str, device: str) -> None:
        """Create the device's consumer group in both lanes, from the start.

        Only BUSYGROUP is fine (the group exists); any other refusal is raised.
        """
        for lane in LANES:
            try:
                await self.r.xgroup_create(inbox_key(party, lane), device, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    @guarded(UNREACHABLE)
    async def read(
        self,
        party: str,
        device: str,
        count: int,
        start: str = ">",
        lanes: Sequence[str] = ("routine",),
    ) -> InboxBatch:
        """New entries (``start=">"``) or this device's unacked ones after ``start``.

        Several lanes are read in one XREADGROUP (``count`` applies to each), and the
        result lists them in the order of ``lanes``: urgent first.
        """
        keys = {inbox_key(party, lane): lane for lane in lanes}
        res = await self.r.xreadgroup(device, device, dict.fromkeys(keys, start), count=count)
        return await self.received(party, device, lanes, res)

    @guarded(UNREACHABLE)
    async def received(self, party: str, device: str, lanes: Sequence[str], res: Any) -> InboxBatch:
        """The deliveries in an XREADGROUP reply over ``lanes`` (:meth:`read`'s, or one
        sent inside another transaction), listed in the order of ``lanes``.

        Raises:
            Unavailable: ``res`` is the error Redis answered for the read.
        """
        if isinstance(res, Exception):
            raise res
        keys = {inbox_key(party, lane): lane for lane in lanes}
        got: dict[str, list[Any]] = {as_str(k): entries for k, entries in res or []}
        raw: list[Raw] = []
        gone: list[tuple[str, str]] = []
        for key, lane in keys.items():
            for eid, f in got.get(key, []):
                if not f:  # deleted (trimmed) while pending: nothing to deliver
                    gone.append((key, as_str(eid)))
                else:
                    raw.append((as_str(eid), f, lane, 1))
        if gone:
            pipe = self.r.pipeline(transaction=False)
            for key, eid in gone:
                pipe.xack(key, device, eid)
            await pipe.execute()
        return await self.refs.resolve(party, device, raw)

    @guarded(UNREACHABLE)
    async def claim_idle(
        self, party: str, device: str, min_idle_ms: int, count: int = 100, lane: str = "routine"
    ) -> ClaimResult:
        """XAUTOCLAIM this device's idle entries in one lane, following the cursor to 0-0."""
        key = inbox_key(party, lane)
        claimed: list[tuple[str, dict[bytes, Any]]] = []
        deleted: list[str] = []
        cursor = "0-0"
        while True:
            res = await self.r.xautoclaim(
                key, device, device, min_idle_ms, start_id=cursor, count=count
            )
            cursor = as_str(res[0])
            claimed += [(as_str(i[0]), i[1]) for i in res[1] if i is not None and i[1]]
            if len(res) > 2:  # Redis >= 7 reports ids deleted while pending
                deleted += [as_str(d) for d in res[2]]
            if cursor == "0-0" or len(claimed) >= count:
                break
        if deleted:
            await self.r.xack(key, device, *deleted)
        if not claimed:
            return ClaimResult([], deleted)
        times = await self._delivery_counts(key, device, [i for i, _f in claimed])
        raw = [(i, f, lane, times.get(i, 1)) for i, f in claimed]
        batch = await self.refs.resolve(party, device, raw)
        return ClaimResult(batch.entries, deleted, batch.foreign)

    async def _delivery_counts(self, key: str, device: str, ids: Sequence[str]) -> dict[str, int]:
        res = await self.r.xpending_range(
            key, device, min=min(ids), max=max(ids), count=len(ids) + 100, consumername=device
        )
        return {as_str(p["message_id"]): int(p["times_delivered"]) for p in res}

    @guarded(UNREACHABLE)
    async def ack(self, party: str, device: str, ids: Sequence[str], lane: str = "routine") -> int:
        if not ids:
            return 0
        return int(await self.r.xack(inbox_key(party, lane), device, *ids))

    @guarded(UNREACHABLE)
    async def ack_lanes(self, party: str, device: str, by_lane: dict[str, list[str]]) -> int:
        """XACK in several lanes in one round trip; returns how many were pending."""
        jobs = [(lane, ids) for lane, ids in by_lane.items() if ids]
        if not jobs:
            return 0
        if len(jobs) == 1:  # the usual case: one XACK, no pipeline object
            lane, ids = jobs[0]
            return int(await self.r.xack(inbox_key(party, lane), device, *ids))
        pipe = self.r.pipeline(transaction=False)
        for lane, ids in jobs:
            pipe.xack(inbox_key(party, lane), device, *ids)
        return sum(int(n) for n in await pipe.execute())

    @guarded(UNREACHABLE)
    async def dead_letter(self, party: str, device: str, entry: InboxEntry, reason: str) -> None:
        """Move a poison entry aside (kept, alerted on) and ack it for this device."""
        fields = {
            "device": device,
            "id": entry.id,
            "log": entry.log_id,
            "t": entry.type,
            "mid": entry.mid,
            "lane": entry.lane,
            "reason": reason,
        }
        pipe = self.r.pipeline(transaction=False)
        pipe.xadd(dlq_key(party), fields)
        pipe.xack(inbox_key(party, entry.lane), device, entry.id)
        await pipe.execute()

    @guarded(UNREACHABLE)
    async def dead_letter_pending(self, party: str, device: str, reason: str) -> int:
        """Dead-letter everything delivered to ``device`` and not acked (it was revoked)."""
        moved = 0
        for lane in LANES:
            key = inbox_key(party, lane)
            try:
                pend = await self.r.xpending_range(key, device, "-", "+", 10_000)
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                continue
            ids = [as_str(p["message_id"]) for p in pend]
            if not ids:
                continue
            pipe = self.r.pipeline(transaction=False)
            for i in ids:
                pipe.xadd(
                    dlq_key(party), {"device": device, "id": i, "lane": lane, "reason": reason}
                )
            pipe.xack(key, device, *ids)
            moved += int((await pipe.execute())[-1])
        return moved

    @guarded(UNREACHABLE)
    async def pending(self, party: str, device: str) -> int:
        """Entries delivered to this device and not yet acknowledged, in all lanes."""
        total = 0
        for lane in LANES:
            try:
                p = await self.r.xpending(inbox_key(party, lane), device)
            except ResponseError as exc:
                if "NOGROUP" not in str(exc):  # no such group or stream yet: nothing pending
                    raise
                continue
            total += int(p.get("pending", 0)) if p else 0
        return total
