"""Every Redis call the hub makes, returning typed values.

Key layout (hash tags keep multi-key writes in one Cluster slot):

- ``hl:{log}:events``   the append-only log: every accepted envelope, receipt,
                         rejection, roster change, hub start/stop (source of truth)
- ``hl:{log}:ids``       message id → "log id|digest|sender|recipients" (idempotency)
- ``hl:{log}:st:<mid>``  device → highest receipt rank (per-recipient status)
- ``hl:{log}:cursor``    last log id routed into inboxes
- ``hl:{log}:router``    the routing lease (one router at a time keeps inbox order)
- ``hl:{log}:roster``    roster version → roster bytes
- ``hl:{inbox:P}``       party P's inbox (routine lane); one consumer group per device
- ``hl:{inbox:P}:urgent`` party P's urgent lane (IMMEDIATE / FLASH and their receipts);
                         the same groups; every pump reads it first
- ``hl:{inbox:P}:dlq``   dead letters for P
- ``hl:{notify}``        "something was routed to these parties" wake-ups for hubs

Inbox entries carry the *same stream id* as the log entry they come from, and no
copy of its payload: delivery reads the payload from the log (or from the hub's
PayloadCache, where the router left it). Same ids make routing idempotent too:
re-routing after a crash is refused by Redis ("equal or smaller id") and skipped.
A log entry goes to exactly one lane of each party's inbox, so a delivery id names
one entry in one lane.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError, ResponseError

from hotline.protocol import URGENT_PRECEDENCES, ProtocolError, ReplayError, Unavailable
from hotline.protocol.events import LogEvent

from .payload_cache import PayloadCache

__all__ = [
    "LANES",
    "AcceptResult",
    "ClaimResult",
    "LogEntry",
    "MessageMeta",
    "Streams",
    "connect",
    "inbox_key",
    "lane_for",
]

log = logging.getLogger("hotline.hub.streams")

LOG: Final = "hl:{log}:events"
IDS: Final = "hl:{log}:ids"
CURSOR: Final = "hl:{log}:cursor"
LEASE: Final = "hl:{log}:router"
ROSTER: Final = "hl:{log}:roster"
NOTIFY: Final = "hl:{notify}"
CHECKPOINTS: Final = "hl:{log}:checkpoints"
INDEX: Final = "hl:{log}:index"
CKPT_LEASE: Final = "hl:{log}:ckpt-lease"
CKPT_FORCE: Final = "hl:{log}:ckpt-force"


#: delivery lanes, in the order every pump reads them
LANES: Final = ("urgent", "routine")


def lane_for(precedence: str) -> str:
    return "urgent" if precedence in URGENT_PRECEDENCES else "routine"


def inbox_key(party: str, lane: str = "routine") -> str:
    # same hash tag for both lanes: one XREADGROUP reads both, also on a Cluster
    return f"hl:{{inbox:{party}}}" + ("" if lane == "routine" else ":urgent")


def status_key(mid_hex: str) -> str:
    return f"hl:{{log}}:st:{mid_hex}"


# KEYS: log, ids. ARGV: mid, meta(digest|sender|recipients|lane), event bytes, type,
# route-to, lane
_ACCEPT: Final = """
local prev = redis.call('HGET', KEYS[2], ARGV[1])
if prev then return {0, prev} end
local id = redis.call('XADD', KEYS[1], '*', 't', ARGV[4], 'e', ARGV[3], 'mid', ARGV[1],
                      'to', ARGV[5], 'ln', ARGV[6])
redis.call('HSET', KEYS[2], ARGV[1], id .. '|' .. ARGV[2])
return {1, id}
"""

# KEYS: log, status. ARGV: device, rank, event bytes, route-to, mid, lane
_RECEIPT: Final = """
local cur = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '-1')
if cur >= tonumber(ARGV[2]) then return {0, ''} end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local id = redis.call('XADD', KEYS[1], '*', 't', 'receipt', 'e', ARGV[3], 'mid', ARGV[5],
                      'to', ARGV[4], 'ln', ARGV[6])
return {1, id}
"""

# KEYS: lease. ARGV: owner, ttl ms. Take or renew the lease if free or ours.
_LEASE: Final = """
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""


@dataclass(frozen=True, slots=True)
class AcceptResult:
    position: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class LogEntry:
    id: str
    type: str
    event: bytes
    mid: str
    to: tuple[str, ...]
    lane: str = "routine"


@dataclass(frozen=True, slots=True)
class InboxEntry:
    id: str
    type: str  # "env" | "rcpt"
    data: bytes
    mid: str
    deliveries: int = 1
    lane: str = "routine"


@dataclass(frozen=True, slots=True)
class MessageMeta:
    position: str
    sender: str
    recipients: list[str]
    lane: str
    digest: str = ""  # SHA-256 of the envelope bytes, hex


@dataclass(frozen=True, slots=True)
class ClaimResult:
    entries: list[InboxEntry]
    deleted: list[str]


def _s(v: Any) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def connect(
    url: str, *, cluster: bool = False, timeout: float = 5.0, max_connections: int = 256
) -> Any:
    """A redis-py asyncio client with RESP2 pinned (reply shapes are stable across versions).

    The pool is bounded: a command waits (up to ``timeout``) for a free connection.
    Why: every connected device's pump reads Redis when its party is routed to, so one
    message to a party with 10,000 devices online would otherwise open 10,000
    connections, past Redis's ``maxclients``, and keep them (the pool never shrinks).
    """
    common: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "protocol": 2,
        "health_check_interval": 15,
    }
    if cluster:
        return RedisCluster.from_url(url, **common)
    pool = aioredis.BlockingConnectionPool.from_url(
        url, max_connections=max_connections, timeout=timeout, **common
    )
    # from_pool: the client owns the pool and closes its connections in aclose()
    return aioredis.Redis.from_pool(pool)


class Streams:
    """Typed access to the hub's Redis keys. ``client`` is redis-py asyncio (single or cluster)."""

    def __init__(self, client: Any, *, cluster: bool = False) -> None:
        self.r = client
        self.cluster = cluster
        self.payloads = PayloadCache()
        self._accept = client.register_script(_ACCEPT)
        self._receipt = client.register_script(_RECEIPT)
        self._lease = client.register_script(_LEASE)

    async def close(self) -> None:
        with contextlib.suppress(RedisError, RuntimeError):
            await self.r.aclose()

    # -- health --------------------------------------------------------------
    async def ping(self) -> bool:
        return bool(await self.r.ping())

    async def persistence(self) -> dict[str, str]:
        """The server's appendonly / appendfsync settings (every node for a cluster)."""
        if self.cluster:
            res = await self.r.config_get("append*", target_nodes=RedisCluster.PRIMARIES)
            # one dict per node when targeted at several: keep the weakest answer
            if isinstance(res, dict) and all(isinstance(v, dict) for v in res.values()):
                merged: dict[str, str] = {}
                for node in res.values():
                    for k, v in node.items():
                        if merged.get(_s(k)) in (None, "yes", "always"):
                            merged[_s(k)] = _s(v)
                return merged
            return {_s(k): _s(v) for k, v in res.items()}
        res = await self.r.config_get("append*")
        return {_s(k): _s(v) for k, v in res.items()}

    # -- accepting -----------------------------------------------------------
    async def accept(
        self,
        mid_hex: str,
        digest_hex: str,
        sender: str,
        recipients: Sequence[str],
        event: bytes,
        route_to: Sequence[str],
        lane: str = "routine",
    ) -> AcceptResult:
        """Append an accepted envelope once (idempotent by message id).

        Raises:
            ReplayError: the id was accepted before with other content.
            Unavailable: Redis did not answer; nothing may be promised.
        """
        meta = f"{digest_hex}|{sender}|{','.join(recipients)}|{lane}"
        try:
            new, val = await self._accept(
                keys=[LOG, IDS],
                args=[mid_hex, meta, event, "accepted", ",".join(route_to), lane],
            )
        except RedisError as exc:
            raise Unavailable("the message store is not reachable; not accepted") from exc
        val = _s(val)
        if new:
            return AcceptResult(val, False)
        pos, _, rest = val.partition("|")
        if rest.partition("|")[0] != digest_hex:
            raise ReplayError("this message id was already used for different content")
        return AcceptResult(pos, True)

    async def accept_many(
        self, items: Sequence[tuple[str, str, str, Sequence[str], bytes, Sequence[str], str]]
    ) -> list[AcceptResult | ProtocolError]:
        """``accept`` for several envelopes in one round trip, in the given order.

        Why: with ``appendfsync always`` Redis fsyncs once per batch of commands it read
        together, so a burst from one device costs one fsync and one round trip instead
        of one each. Log order is the order of ``items`` (one pipeline, one connection).

        Raises:
            Unavailable: Redis did not answer; none of them may be promised.
        """
        if self.cluster or len(items) == 1:  # cluster pipelines do not carry scripts
            out: list[AcceptResult | ProtocolError] = []
            for it in items:
                try:
                    out.append(await self.accept(*it))
                except ProtocolError as exc:  # each stands alone: one failure is not all
                    out.append(exc)
            return out
        pipe = self.r.pipeline(transaction=False)
        for mid_hex, digest_hex, sender, recipients, event, route_to, lane in items:
            meta = f"{digest_hex}|{sender}|{','.join(recipients)}|{lane}"
            await self._accept(  # queued on the pipeline, sent by execute()
                keys=[LOG, IDS],
                args=[mid_hex, meta, event, "accepted", ",".join(route_to), lane],
                client=pipe,
            )
        try:
            replies = await pipe.execute(raise_on_error=False)
        except RedisError as exc:
            raise Unavailable("the message store is not reachable; not accepted") from exc
        results: list[AcceptResult | ProtocolError] = []
        for (_m, digest_hex, *_rest), reply in zip(items, replies, strict=True):
            if isinstance(reply, Exception):
                results.append(Unavailable("the message store refused the write; not accepted"))
                continue
            new, val = reply
            val = _s(val)
            if new:
                results.append(AcceptResult(val, False))
                continue
            pos, _, rest = val.partition("|")
            if rest.partition("|")[0] != digest_hex:
                results.append(
                    ReplayError("this message id was already used for different content")
                )
            else:
                results.append(AcceptResult(pos, True))
        return results

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

    async def message_meta(self, mid_hex: str) -> MessageMeta | None:
        """Log position, sender, recipients and lane of an accepted message id."""
        return (await self.message_metas([mid_hex])).get(mid_hex)

    async def message_metas(self, mids: Sequence[str]) -> dict[str, MessageMeta]:
        """``message_meta`` for several ids in one round trip (the ones Redis knows)."""
        if not mids:
            return {}
        try:
            vals = await self.r.hmget(IDS, list(mids))
        except RedisError as exc:
            raise Unavailable("the message store is not reachable; not accepted") from exc
        out: dict[str, MessageMeta] = {}
        for mid, val in zip(mids, vals, strict=True):
            if val is None:
                continue
            pos, digest, sender, recips, *lane = _s(val).split("|")
            out[mid] = MessageMeta(
                pos,
                sender,
                [p for p in recips.split(",") if p],
                lane[0] if lane else "routine",
                digest,
            )
        return out

    async def append_event(
        self,
        etype: str,
        event: bytes,
        *,
        mid: str = "",
        route_to: Sequence[str] = (),
        lane: str = "routine",
    ) -> str:
        """Append a non-message event (rejection, roster change, hub start/stop, export)."""
        try:
            fields = {"t": etype, "e": event, "mid": mid, "to": ",".join(route_to), "ln": lane}
            return _s(await self.r.xadd(LOG, fields))
        except RedisError as exc:
            raise Unavailable("the log is not reachable") from exc

    async def record_receipt(
        self,
        mid_hex: str,
        device: str,
        rank: int,
        event: bytes,
        route_to: Sequence[str],
        lane: str = "routine",
    ) -> str | None:
        """Log a receipt if it raises the device's state; returns its log id or None.

        A receipt travels in its message's lane: a FLASH sender waits for it.
        """
        try:
            new, pos = await self._receipt(
                keys=[LOG, status_key(mid_hex)],
                args=[device, rank, event, ",".join(route_to), mid_hex, lane],
            )
        except RedisError as exc:
            raise Unavailable("the log is not reachable") from exc
        return _s(pos) if new else None

    async def status(self, mid_hex: str) -> dict[str, int]:
        raw = await self.r.hgetall(status_key(mid_hex))
        return {_s(k): int(v) for k, v in raw.items()}

    # -- the log -------------------------------------------------------------
    async def read_log(self, after: str, count: int, block_ms: int | None) -> list[LogEntry]:
        res = await self.r.xread({LOG: after}, count=count, block=block_ms)
        out: list[LogEntry] = []
        for _key, entries in res or []:
            for eid, f in entries:
                out.append(_log_entry(eid, f))
        return out

    async def log_range(
        self, start: str = "-", end: str = "+", count: int | None = None
    ) -> list[LogEntry]:
        res = await self.r.xrange(LOG, start, end, count=count)
        return [_log_entry(eid, f) for eid, f in res]

    async def log_length(self) -> int:
        return int(await self.r.xlen(LOG))

    async def get_cursor(self) -> str:
        v = await self.r.get(CURSOR)
        return _s(v) if v else "0-0"

    async def take_lease(self, owner: str, ttl_ms: int, key: str = LEASE) -> bool:
        return bool(await self._lease(keys=[key], args=[owner, ttl_ms]))

    async def release_lease(self, owner: str, key: str = LEASE) -> None:
        with contextlib.suppress(RedisError):
            if _s(await self.r.get(key) or b"") == owner:
                await self.r.delete(key)

    # -- checkpoints -----------------------------------------------------------
    async def checkpoints(self) -> list[bytes]:
        return [bytes(f[b"c"]) for _eid, f in await self.r.xrange(CHECKPOINTS)]

    async def checkpoints_after(self, after: str, block_ms: int | None) -> list[tuple[str, bytes]]:
        """Checkpoints added after stream id ``after`` (block up to ``block_ms`` for one)."""
        try:
            if block_ms is None:
                res = await self.r.xrange(CHECKPOINTS, f"({after}" if after != "0-0" else "-")
                return [(_s(i), bytes(f[b"c"])) for i, f in res]
            got = await self.r.xread({CHECKPOINTS: after}, count=100, block=block_ms)
        except RedisError as exc:
            raise Unavailable("the log is not reachable") from exc
        return [(_s(i), bytes(f[b"c"])) for _k, entries in got or [] for i, f in entries]

    async def latest_checkpoint(self) -> bytes | None:
        res = await self.r.xrevrange(CHECKPOINTS, count=1)
        return bytes(res[0][1][b"c"]) if res else None

    async def add_checkpoint(self, data: bytes, size: int) -> None:
        await self.r.xadd(CHECKPOINTS, {"c": data, "size": size})

    async def add_cosignature(self, size: int, device: str, data: bytes) -> None:
        try:
            await self.r.hset(f"hl:{{log}}:cosig:{size}", device, data)
        except RedisError as exc:
            raise Unavailable("the log is not reachable") from exc

    async def cosignatures(self, size: int) -> list[bytes]:
        try:
            raw = await self.r.hgetall(f"hl:{{log}}:cosig:{size}")
        except RedisError as exc:
            raise Unavailable("the log is not reachable") from exc
        return [bytes(v) for _k, v in sorted(raw.items())]

    async def index_ids(self, mapping: dict[str, int]) -> None:
        if mapping:
            await self.r.hset(INDEX, mapping=mapping)

    async def leaf_index(self, mid_hex: str) -> int | None:
        v = await self.r.hget(INDEX, mid_hex)
        return int(v) if v is not None else None

    async def request_checkpoint(self) -> None:
        await self.r.set(CKPT_FORCE, "1")

    async def take_checkpoint_request(self) -> bool:
        return bool(await self.r.delete(CKPT_FORCE))

    # -- routing -------------------------------------------------------------
    async def route(self, entries: Sequence[LogEntry]) -> set[str]:
        """Copy log entries into their parties' inboxes under the same ids.

        Returns the parties that got something new. Idempotent: an id already
        routed is refused by Redis and skipped.
        """
        jobs: list[tuple[str, LogEntry]] = [(p, e) for e in entries for p in e.to]
        if not jobs:
            return set()
        for e in entries:
            if e.to:  # this hub's pumps will want it next: keep it at hand
                self.payloads.put(e.id, _payload(e))
        pipe = self.r.pipeline(transaction=False)
        for party, e in jobs:
            kind = "env" if e.type == "accepted" else "rcpt"
            # a reference (same id), not a copy: one payload in Redis whatever the fan-out
            pipe.xadd(inbox_key(party, e.lane), {"t": kind, "mid": e.mid}, id=e.id)
        results = await pipe.execute(raise_on_error=False)
        woke: set[str] = set()
        for (party, _e), res in zip(jobs, results, strict=True):
            if isinstance(res, ResponseError):
                if "equal or smaller" in str(res):
                    continue  # already routed before a crash: idempotent
                raise res
            if isinstance(res, Exception):
                raise res
            woke.add(party)
        return woke

    async def routed(self, cursor: str, parties: set[str], source: str) -> None:
        """Record the routing cursor and tell the other hubs which parties got something.

        One round trip; only after the routing itself succeeded (a cursor moved past an
        entry that was not routed would lose it).
        """
        pipe = self.r.pipeline(transaction=False)
        pipe.set(CURSOR, cursor)
        if parties:
            pipe.xadd(
                NOTIFY,
                {"p": ",".join(sorted(parties)), "h": source},
                maxlen=10_000,
                approximate=True,
            )
        await pipe.execute()

    async def read_notify(
        self, after: str, block_ms: int, skip_source: str = ""
    ) -> tuple[str, set[str]]:
        """Parties routed to since ``after``; a hub skips its own notes (it woke its pumps)."""
        res = await self.r.xread({NOTIFY: after}, block=block_ms, count=1000)
        parties: set[str] = set()
        last = after
        for _key, entries in res or []:
            for eid, f in entries:
                last = _s(eid)
                if skip_source and _s(f.get(b"h", b"")) == skip_source:
                    continue
                parties.update(p for p in _s(f.get(b"p", b"")).split(",") if p)
        return last, parties

    async def notify_tail(self) -> str:
        res = await self.r.xrevrange(NOTIFY, count=1)
        return _s(res[0][0]) if res else "0-0"

    # -- inboxes -------------------------------------------------------------
    async def ensure_group(self, party: str, device: str) -> None:
        """Create the device's consumer group in both lanes, from the start.

        Only BUSYGROUP is fine (the group exists).
        """
        for lane in LANES:
            try:
                await self.r.xgroup_create(inbox_key(party, lane), device, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def read_inbox(
        self,
        party: str,
        device: str,
        count: int,
        start: str = ">",
        lanes: Sequence[str] = ("routine",),
    ) -> list[InboxEntry]:
        """New entries (``start=">"``) or this device's unacked ones after ``start``.

        Several lanes are read in one XREADGROUP (``count`` applies to each), and the
        result lists them in the order of ``lanes``: urgent first.
        """
        keys = {inbox_key(party, lane): lane for lane in lanes}
        res = await self.r.xreadgroup(device, device, dict.fromkeys(keys, start), count=count)
        out: list[InboxEntry] = []
        got: dict[str, list[Any]] = {_s(k): entries for k, entries in res or []}
        for key, lane in keys.items():
            for eid, f in got.get(key, []):
                if not f:  # deleted (trimmed) while pending: nothing to deliver
                    await self.r.xack(key, device, eid)
                    continue
                out.append(_inbox_entry(eid, f, lane))
        return await self._with_payloads(party, device, out)

    async def _with_payloads(
        self, party: str, device: str, entries: list[InboxEntry]
    ) -> list[InboxEntry]:
        """Fill in each entry's payload from the cache, else from its log entry.

        An entry whose log entry is gone (it never should be: the log is not trimmed)
        cannot be delivered: it is acknowledged for this device and alerted on.
        """
        found: dict[str, bytes] = {}
        for e in entries:
            if not e.data and (hit := self.payloads.get(e.id)) is not None:
                found[e.id] = hit
        missing = [e.id for e in entries if not e.data and e.id not in found]
        if missing:
            pipe = self.r.pipeline(transaction=False)
            for i in missing:
                pipe.xrange(LOG, i, i)
            for i, res in zip(missing, await pipe.execute(), strict=True):
                if res:
                    found[i] = _payload(_log_entry(res[0][0], res[0][1]))
                    self.payloads.put(i, found[i])
        out: list[InboxEntry] = []
        for e in entries:
            data = e.data or found.get(e.id)
            if not data:
                log.error("ALERT inbox entry %s for %s has no log entry: acked", e.id, device)
                await self.ack(party, device, [e.id], e.lane)
                continue
            out.append(e if e.data else dataclasses.replace(e, data=data))
        return out

    async def claim_idle(
        self, party: str, device: str, min_idle_ms: int, count: int = 100, lane: str = "routine"
    ) -> ClaimResult:
        """XAUTOCLAIM this device's idle entries in one lane, following the cursor to 0-0."""
        key = inbox_key(party, lane)
        entries: list[InboxEntry] = []
        deleted: list[str] = []
        cursor = "0-0"
        while True:
            res = await self.r.xautoclaim(
                key, device, device, min_idle_ms, start_id=cursor, count=count
            )
            cursor = _s(res[0])
            for item in res[1]:
                if item is None or item[1] is None:
                    continue
                entries.append(_inbox_entry(item[0], item[1], lane))
            if len(res) > 2:  # Redis >= 7 reports ids deleted while pending
                deleted += [_s(d) for d in res[2]]
            if cursor == "0-0" or len(entries) >= count:
                break
        if deleted:
            await self.r.xack(key, device, *deleted)
        if entries:
            counts = await self.delivery_counts(party, device, [e.id for e in entries], lane)
            entries = [
                InboxEntry(e.id, e.type, e.data, e.mid, counts.get(e.id, 1), lane) for e in entries
            ]
            entries = await self._with_payloads(party, device, entries)
        return ClaimResult(entries, deleted)

    async def delivery_counts(
        self, party: str, device: str, ids: Sequence[str], lane: str = "routine"
    ) -> dict[str, int]:
        if not ids:
            return {}
        res = await self.r.xpending_range(
            inbox_key(party, lane),
            device,
            min=min(ids),
            max=max(ids),
            count=len(ids) + 100,
            consumername=device,
        )
        return {_s(p["message_id"]): int(p["times_delivered"]) for p in res}

    async def ack(self, party: str, device: str, ids: Sequence[str], lane: str = "routine") -> int:
        if not ids:
            return 0
        return int(await self.r.xack(inbox_key(party, lane), device, *ids))

    async def ack_lanes(self, party: str, device: str, by_lane: dict[str, list[str]]) -> int:
        """XACK in several lanes in one round trip; returns how many were pending."""
        jobs = [(lane, ids) for lane, ids in by_lane.items() if ids]
        if not jobs:
            return 0
        if len(jobs) == 1:
            return await self.ack(party, device, jobs[0][1], jobs[0][0])
        pipe = self.r.pipeline(transaction=False)
        for lane, ids in jobs:
            pipe.xack(inbox_key(party, lane), device, *ids)
        return sum(int(n) for n in await pipe.execute())

    async def dead_letter(self, party: str, device: str, entry: InboxEntry, reason: str) -> None:
        """Move a poison entry aside (kept, alerted on) and ack it for this device."""
        await self.r.xadd(
            inbox_key(party) + ":dlq",
            {
                "device": device,
                "id": entry.id,
                "t": entry.type,
                "d": entry.data,
                "mid": entry.mid,
                "lane": entry.lane,
                "reason": reason,
            },
        )
        await self.ack(party, device, [entry.id], entry.lane)

    async def dead_letter_pending(self, party: str, device: str, reason: str) -> int:
        """Dead-letter everything delivered to ``device`` and not acked (it was revoked)."""
        moved = 0
        try:
            for lane in LANES:
                key = inbox_key(party, lane)
                try:
                    pend = await self.r.xpending_range(key, device, "-", "+", 10_000)
                except ResponseError:  # no such group
                    continue
                ids = [_s(p["message_id"]) for p in pend]
                for i in ids:
                    await self.r.xadd(
                        inbox_key(party) + ":dlq",
                        {"device": device, "id": i, "lane": lane, "reason": reason},
                    )
                if ids:
                    moved += int(await self.r.xack(key, device, *ids))
        except RedisError as exc:
            raise Unavailable("the message store is not reachable") from exc
        return moved

    async def pending(self, party: str, device: str) -> int:
        """Entries delivered to this device and not yet acknowledged, in all lanes."""
        total = 0
        for lane in LANES:
            try:
                p = await self.r.xpending(inbox_key(party, lane), device)
            except ResponseError:  # no such group or stream yet
                continue
            total += int(p.get("pending", 0)) if p else 0
        return total

    async def backlog(self, party: str) -> int:
        """Entries not yet acknowledged by the slowest device group of the party."""
        per_group: dict[str, int] = {}
        for lane in LANES:
            try:
                groups = await self.r.xinfo_groups(inbox_key(party, lane))
            except ResponseError:
                continue
            for g in groups:
                n = int(g.get("pending", 0)) + int(g.get("lag") or 0)
                per_group[_s(g["name"])] = per_group.get(_s(g["name"]), 0) + n
        return max(per_group.values(), default=0)

    async def trim_inbox(self, party: str, older_than_ms: int) -> int:
        """Trim both lanes below the oldest entry any group still needs (MINID), never MAXLEN."""
        trimmed = 0
        for lane in LANES:
            trimmed += await self._trim_lane(inbox_key(party, lane), older_than_ms)
        return trimmed

    async def _trim_lane(self, key: str, older_than_ms: int) -> int:
        try:
            groups = await self.r.xinfo_groups(key)
        except ResponseError:
            return 0
        floor = f"{older_than_ms}-0"
        for g in groups:
            name = _s(g["name"])
            last = _s(g["last-delivered-id"])
            if _id_lt(last, floor):
                floor = _next_id(last)  # entries after last-delivered are still unread
            pend = await self.r.xpending(key, name)
            if pend and pend.get("pending"):
                lo = _s(pend["min"])
                if _id_lt(lo, floor):
                    floor = lo
        return int(await self.r.xtrim(key, minid=floor, approximate=False))

    # -- roster --------------------------------------------------------------
    async def roster_versions(self) -> dict[int, bytes]:
        raw = await self.r.hgetall(ROSTER)
        return {int(k): bytes(v) for k, v in raw.items()}

    async def put_roster(self, version: int, data: bytes) -> bool:
        return bool(await self.r.hsetnx(ROSTER, str(version), data))


def _payload(e: LogEntry) -> bytes:
    """What an inbox carries: the envelope or receipt bytes inside the event."""
    return LogEvent.decode(e.event).payload


def _log_entry(eid: Any, f: dict[Any, Any]) -> LogEntry:
    to = _s(f.get(b"to", b""))
    return LogEntry(
        _s(eid),
        _s(f.get(b"t", b"")),
        bytes(f.get(b"e", b"")),
        _s(f.get(b"mid", b"")),
        tuple(p for p in to.split(",") if p),
        "urgent" if f.get(b"ln") == b"urgent" else "routine",  # entries from before lanes
    )


def _inbox_entry(eid: Any, f: dict[Any, Any], lane: str = "routine") -> InboxEntry:
    return InboxEntry(
        _s(eid),
        _s(f.get(b"t", b"")),
        bytes(f.get(b"d", b"")),
        _s(f.get(b"mid", b"")),
        1,
        lane,
    )


def _parse_id(i: str) -> tuple[int, int]:
    a, _, b = i.partition("-")
    return int(a), int(b or 0)


def _id_lt(a: str, b: str) -> bool:
    return _parse_id(a) < _parse_id(b)


def _next_id(i: str) -> str:
    a, b = _parse_id(i)
    return f"{a}-{b + 1}"
