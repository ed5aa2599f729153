"""The append-only log: accepting envelopes, receipts, hub events, and reading it back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hotline.protocol import ProtocolError, ReplayError, Unavailable

from .errors import guarded
from .keys import COUNTER, CURSOR, IDS, LOG, NOTIFY, inbox_key, status_key
from .scripts import APPEND, APPEND_ROUTED, Job, Scripts
from .types import AcceptResult, LogEntry, MessageMeta, as_str, log_entry

__all__ = ["AcceptItem", "Log", "UrgentRead"]

#: mid, digest, sender, recipients, event bytes, route-to parties, lane
AcceptItem = tuple[str, str, str, Sequence[str], bytes, Sequence[str], str]
#: party, device, count: a read of the device's urgent lane after an append
UrgentRead = tuple[str, str, int]

NOT_ACCEPTED = "the message store is not reachable; not accepted"
UNREACHABLE = "the log is not reachable"


#: the lanes whose entries route themselves at append (APPEND_ROUTED). Urgent only: a
#: FLASH then skips the router's wake-up, its script call and its fsync (idle FLASH
#: accepted -> routed 1.26 -> 0.04 ms); routing every routine message in its own append
#: cost 12-30 % more server CPU per message at saturation (A/B, three rounds: 1,930-
#: 1,990 -> 2,200-2,550 µs/msg), where the router routes 64 entries a call and wakes
#: each pump once per batch, not once per message.
ROUTED_AT_APPEND = frozenset({"urgent"})


def _appending(
    keys: list[str], args: list[Any], route_to: Sequence[str], lane: str, kind: str, hub: str | None
) -> Job:
    """APPEND, or APPEND_ROUTED when ``hub`` (the notifying instance) is given and the
    lane is one that routes itself."""
    if hub is None or lane not in ROUTED_AT_APPEND:
        return APPEND, keys, args
    inboxes = [inbox_key(p, lane) for p in route_to]
    return APPEND_ROUTED, [*keys, CURSOR, NOTIFY, *inboxes], [*args, kind, hub]


def _accept_job(item: AcceptItem, hub: str | None) -> Job:
    mid, digest, sender, recipients, event, route_to, lane = item
    meta = f"{digest}|{sender}|{','.join(recipients)}|{lane}"
    args = ["accept", "accepted", event, mid, ",".join(route_to), lane, meta]
    return _appending([LOG, COUNTER, IDS], args, route_to, lane, "env", hub)


def _urgent_read(party: str, device: str, count: int) -> Callable[[Any], Any]:
    """Queue a device's read of its new urgent entries (its group and consumer: itself)."""
    key = inbox_key(party, "urgent")
    return lambda pipe: pipe.xreadgroup(device, device, {key: ">"}, count=count)


def _appended(position: Any, n: Any, codes: Sequence[Any]) -> AcceptResult:
    """A new entry from APPEND's or APPEND_ROUTED's reply (route codes only from the latter)."""
    return AcceptResult(as_str(position), False, int(n), tuple(map(int, codes)) if codes else None)


def _accept_result(reply: Any, digest: str) -> AcceptResult | ProtocolError:
    if isinstance(reply, Exception):
        return Unavailable("the message store refused the write; not accepted")
    new, val, n, *codes = reply
    if new:
        return _appended(val, n, codes)
    val = as_str(val)
    pos, _, rest = val.partition("|")
    if rest.partition("|")[0] != digest:
        return ReplayError("this message id was already used for different content")
    return AcceptResult(pos, True)


class Log:
    """``hl:{log}:events`` and the keys only its scripts write."""

    def __init__(self, client: Any, scripts: Scripts) -> None:
        self.r = client
        self.scripts = scripts

    @property
    def reads_at_append(self) -> bool:
        """Whether :meth:`accept_and_read` can run reads (not on a Cluster: see below)."""
        return not self.scripts.cluster

    def _router(self, routed_by: str | None) -> str | None:
        """Who an append routes as, if it may: never on a Cluster (inboxes in other slots)."""
        return None if self.scripts.cluster else routed_by

    @guarded(NOT_ACCEPTED)
    async def accept_many(
        self, items: Sequence[AcceptItem], *, routed_by: str | None = None
    ) -> list[AcceptResult | ProtocolError]:
        """Append accepted envelopes once each (idempotent by id), in one round trip.

        Why one pipeline: with ``appendfsync always`` Redis fsyncs once per batch of
        commands it read together, so a burst from one device costs one fsync and one
        round trip. Log order is the order of ``items`` (one connection; on a Cluster
        every ``{log}`` key is on one node). Each answer stands alone: an id used
        before with other content is a ``ReplayError``, the others are accepted.

        ``routed_by`` (this hub's instance; not on a Cluster, whose inboxes are in other
        slots): each urgent append also routes its entry if the log is routed up to it
        (``AcceptResult.routed``); the caller then wakes its pumps, other hubs' are told
        through the notify stream.
        """
        results, _read = await self.accept_and_read(items, routed_by=routed_by)
        return results

    @guarded(NOT_ACCEPTED)
    async def accept_and_read(
        self,
        items: Sequence[AcceptItem],
        *,
        routed_by: str | None = None,
        reads: Sequence[UrgentRead] = (),
    ) -> tuple[list[AcceptResult | ProtocolError], list[Any]]:
        """:meth:`accept_many`, then in the same transaction an XREADGROUP of the
        urgent lane for each of ``reads`` (party, device, count): their raw replies
        (or errors), in order, for :meth:`Inboxes.received`.

        Why: a device's pump reading its new FLASH after the append is a second write
        and a second fsync (at idle, 1-2 ms each, and one per device when six pumps'
        reads reach Redis apart); read in the append's own EXEC, the pending-entries
        list is written in the same fsync, before any frame leaves.
        """
        hub = self._router(routed_by)
        jobs = [_accept_job(it, hub) for it in items]
        then = [_urgent_read(*r) for r in reads] if hub is not None else []
        replies = await self.scripts.pipeline(jobs, atomic=True, then=then)
        results = [_accept_result(r, it[1]) for it, r in zip(items, replies, strict=False)]
        # A read not sent (on a Cluster) found nothing: its pump reads for itself.
        read = replies[len(jobs) :]
        return results, read + [None] * (len(reads) - len(read))

    async def accept(self, *item: Any) -> AcceptResult:
        """One envelope (``AcceptItem`` fields; lane defaults to routine)."""
        full: AcceptItem = (*item, "routine") if len(item) == 6 else item  # type: ignore[assignment]
        (res,) = await self.accept_many([full])
        if isinstance(res, ProtocolError):
            raise res
        return res

    @guarded(UNREACHABLE)
    async def append_event(
        self,
        etype: str,
        event: bytes,
        *,
        mid: str = "",
        route_to: Sequence[str] = (),
        lane: str = "",
    ) -> str:
        """Append a hub event (rejection, roster change, hub start/stop, export, fork proof).

        ``lane`` "urgent" sends a routed event (a fork proof) ahead of routine traffic.
        """
        args = ["event", etype, event, mid, ",".join(route_to), lane]
        _new, eid, _n = await self.scripts.call(APPEND, [LOG, COUNTER, IDS], args)
        return as_str(eid)

    @guarded(UNREACHABLE)
    async def record_receipt(
        self,
        mid_hex: str,
        device: str,
        rank: int,
        event: bytes,
        route_to: Sequence[str],
        lane: str = "routine",
        *,
        routed_by: str | None = None,
    ) -> AcceptResult | None:
        """Log a receipt if it raises the device's state; None if it does not.

        A receipt travels in its message's lane: a FLASH sender waits for it.
        ``routed_by``: as for :meth:`accept_many`.
        """
        res, _reads = await self.receipt_and_read(
            mid_hex, device, rank, event, route_to, lane, routed_by=routed_by
        )
        return res

    @guarded(UNREACHABLE)
    async def receipt_and_read(
        self,
        mid_hex: str,
        device: str,
        rank: int,
        event: bytes,
        route_to: Sequence[str],
        lane: str = "routine",
        *,
        routed_by: str | None = None,
        reads: Sequence[UrgentRead] = (),
    ) -> tuple[AcceptResult | None, list[Any]]:
        """:meth:`record_receipt`, with ``reads`` run after it in the same transaction,
        as in :meth:`accept_and_read` (a FLASH sender's devices read its receipt)."""
        args = ["receipt", "receipt", event, mid_hex, ",".join(route_to), lane, device, rank]
        hub = self._router(routed_by)
        job = _appending([LOG, COUNTER, status_key(mid_hex)], args, route_to, lane, "rcpt", hub)
        then = [_urgent_read(*r) for r in reads] if hub is not None else []
        if then:
            reply, *read = await self.scripts.pipeline([job], atomic=True, then=then)
            if isinstance(reply, Exception):
                raise reply
        else:
            reply, read = await self.scripts.call(*job), []
        new, pos, n, *codes = reply
        read += [None] * (len(reads) - len(read))  # not sent: their pumps read themselves
        return (_appended(pos, n, codes) if new else None), read

    @guarded(UNREACHABLE)
    async def status(self, mid_hex: str) -> dict[str, int]:
        raw = await self.r.hgetall(status_key(mid_hex))
        return {as_str(k): int(v) for k, v in raw.items()}

    @guarded(NOT_ACCEPTED)
    async def message_meta(self, mid_hex: str) -> MessageMeta | None:
        """Log position, sender, recipients, lane and digest of an accepted message id."""
        return (await self.message_metas([mid_hex])).get(mid_hex)

    @guarded(NOT_ACCEPTED)
    async def message_metas(self, mids: Sequence[str]) -> dict[str, MessageMeta]:
        """``message_meta`` for several ids in one round trip (the ones Redis knows)."""
        if not mids:
            return {}
        out: dict[str, MessageMeta] = {}
        for mid, val in zip(mids, await self.r.hmget(IDS, list(mids)), strict=True):
            if val is not None:
                pos, digest, sender, recips, *lane = as_str(val).split("|")
                out[mid] = MessageMeta(
                    pos,
                    sender,
                    [p for p in recips.split(",") if p],
                    lane[0] if lane else "routine",
                    digest,
                )
        return out

    @guarded(UNREACHABLE)
    async def missing_ids(self, mids: list[str]) -> list[str]:
        """Which of these accepted ids Redis no longer knows (startup reconciliation)."""
        missing: list[str] = []
        for i in range(0, len(mids), 1000):
            chunk = mids[i : i + 1000]
            pipe = self.r.pipeline(transaction=False)
            for m in chunk:
                pipe.hexists(IDS, m)
            for m, ok in zip(chunk, await pipe.execute(), strict=True):
                if not ok:
                    missing.append(m)
        return missing

    @guarded(UNREACHABLE)
    async def read(self, after: str, count: int, block_ms: int | None) -> list[LogEntry]:
        """Entries after ``after``, waiting up to ``block_ms`` for the first."""
        res = await self.r.xread({LOG: after}, count=count, block=block_ms)
        return [log_entry(eid, f) for _key, entries in res or [] for eid, f in entries]

    @guarded(UNREACHABLE)
    async def range(
        self, start: str = "-", end: str = "+", count: int | None = None
    ) -> list[LogEntry]:
        res = await self.r.xrange(LOG, start, end, count=count)
        return [log_entry(eid, f) for eid, f in res]

    @guarded(UNREACHABLE)
    async def length(self) -> int:
        return int(await self.r.xlen(LOG))

    @guarded(UNREACHABLE)
    async def entries(self, ids: Sequence[str]) -> dict[str, LogEntry]:
        """The log entries with these ids (one round trip); absent ids are left out."""
        if not ids:
            return {}
        pipe = self.r.pipeline(transaction=False)
        for i in ids:
            pipe.xrange(LOG, i, i)
        found: dict[str, LogEntry] = {}
        for res in await pipe.execute(raise_on_error=False):
            if res and not isinstance(res, Exception):  # a malformed id names no entry
                e = log_entry(res[0][0], res[0][1])
                found[e.id] = e
        return found
