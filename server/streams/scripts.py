"""The Lua scripts, and running them by SHA with one round trip (pipelined or not).

``APPEND`` is the one script that appends to the log (design D4): it assigns each
entry its leaf index ``n`` from the counter ``hl:{log}:n``, which starts at the log's
XLEN when missing (logs written before D4 migrate on their first new entry). Modes:
``event`` appends; ``accept`` first checks the message id (idempotency, replay);
``receipt`` first raises the device's receipt rank (a lower or equal one is dropped).

``APPEND_ROUTED`` appends the same way and, when every earlier entry is routed (the
routing cursor is the log's top), routes the new one in the same call (urgent entries,
not on a Cluster: ``log.ROUTED_AT_APPEND``).

``ROUTE`` copies a reference ``{t, mid, n}`` into one inbox under the log entry's id
(D5, issue 15 §9), ``ROUTE_MANY`` a batch of them into several inboxes in one call
(not on a Cluster); ``log`` is written only when the reference cannot have that id:
an id at or below the inbox's top is not taken as "already routed" by order alone —
only if that id is really there, or an earlier out-of-order copy is among the newest
256 entries. Otherwise a foreign entry sits above it: the reference is appended with a
new id, carrying ``log``, and reported (code 2). Re-routing only ever covers entries
after the routing cursor (a router that died mid-batch), never ones retention trimmed.

redis-py's ``Script`` objects make every pipeline ask ``SCRIPT EXISTS`` first (one
more round trip per accept burst); here EVALSHA is sent directly and a NOSCRIPT reply
(Redis restarted and lost its script cache) loads the script and repeats those calls.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from redis.exceptions import NoScriptError, ResponseError

__all__ = [
    "APPEND",
    "APPEND_ROUTED",
    "LEASE",
    "MOVE_CURSOR",
    "ROUTE",
    "ROUTE_MANY",
    "Job",
    "Script",
    "Scripts",
]


@dataclass(frozen=True)
class Script:
    name: str
    source: str

    @functools.cached_property
    def sha(self) -> str:
        return hashlib.sha1(self.source.encode()).hexdigest()


# The one function that appends to the log (APPEND and APPEND_ROUTED call it).
# K: log, counter, aux (ids hash | status hash).
# A: mode, type, event, mid, route-to, lane, then per mode:
#   accept: meta ("digest|sender|recipients|lane")   receipt: device, rank
_APPEND_ONE = """
local function append(K, A)
  local mode = A[1]
  if mode == 'accept' then
    local prev = redis.call('HGET', K[3], A[4])
    if prev then return {0, prev, -1} end
  elseif mode == 'receipt' then
    local cur = tonumber(redis.call('HGET', K[3], A[7]) or '-1')
    if cur >= tonumber(A[8]) then return {0, '', -1} end
    redis.call('HSET', K[3], A[7], A[8])
  end
  if redis.call('EXISTS', K[2]) == 0 then
    redis.call('SET', K[2], redis.call('XLEN', K[1]))
  end
  local n = redis.call('INCR', K[2]) - 1
  local id = redis.call('XADD', K[1], '*', 't', A[2], 'e', A[3], 'mid', A[4],
                        'to', A[5], 'ln', A[6], 'n', n)
  if mode == 'accept' then redis.call('HSET', K[3], A[4], id .. '|' .. A[7]) end
  return {1, id, n}
end
"""

APPEND: Final = Script("append", _APPEND_ONE + "return append(KEYS, ARGV)\n")

# One reference into one inbox (the Lua function both routing scripts call).
# Returns 1 routed, 0 already there, 2 appended above a foreign top (with its log id).
_ROUTE_ONE = """
local function route(key, id, kind, mid, n)
  local res = redis.pcall('XADD', key, id, 't', kind, 'mid', mid, 'n', n)
  if type(res) ~= 'table' then return 1 end
  if not string.find(res['err'] or '', 'equal or smaller', 1, true) then
    return redis.error_reply(res['err'])
  end
  if #redis.call('XRANGE', key, id, id) > 0 then return 0 end
  for _, e in ipairs(redis.call('XREVRANGE', key, '+', '-', 'COUNT', 256)) do
    local f = e[2]
    for i = 1, #f, 2 do
      if f[i] == 'log' and f[i + 1] == id then return 0 end
    end
  end
  redis.call('XADD', key, '*', 't', kind, 'mid', mid, 'log', id, 'n', n)
  return 2
end
"""

# KEYS: inbox. ARGV: log id, kind (env|rcpt), mid, n ('' before D4).
# An integer, not the id: on the hub's hot path every reply element costs a parse.
ROUTE: Final = Script(
    "route",
    _ROUTE_ONE
    + """
return route(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])
""",
)

# KEYS: the inboxes of a batch. ARGV: per log entry, five values: log id, kind, mid, n,
# and its inboxes as indexes into KEYS ("1,2,5"). Returns one code per (entry, inbox),
# in that order. Why: one EVALSHA per entry and inbox was 7 commands a message, and
# redis-py packs every argument on its own (~3 µs each): 35 arguments a message became 5.
# Not on a Cluster: inboxes are in different slots there, so `Routing` sends ROUTE.
ROUTE_MANY: Final = Script(
    "route_many",
    _ROUTE_ONE
    + """
local out = {}
for j = 1, #ARGV, 5 do
  for k in string.gmatch(ARGV[j + 4], '%d+') do
    local code = route(KEYS[tonumber(k)], ARGV[j], ARGV[j + 1], ARGV[j + 2], ARGV[j + 3])
    if type(code) == 'table' then return code end
    out[#out + 1] = code
  end
end
return out
""",
)

# KEYS: log, counter, aux, routing cursor, notify stream, then one inbox per party of
# route-to, in that order. ARGV: APPEND's (mode, type, event, mid, route-to, lane, ...),
# then at ARGV[#ARGV - 1] the reference kind (env|rcpt) and at ARGV[#ARGV] the notifying
# hub. Appends; then, if every earlier log entry is routed (the cursor is the log's top
# before this entry), routes this one at once and moves the cursor: one call and one
# fsync where append and router took two, and no wait for the router's wake-up. If the
# router is behind, it is left to the router: an inbox must hold references in log order.
# Returns APPEND's {new, id, n}, then one ROUTE code per party if it routed (0 from an
# inbox that refused on: the cursor then stays, and the router routes the entry again).
APPEND_ROUTED: Final = Script(
    "append_routed",
    _APPEND_ONE
    + _ROUTE_ONE
    + """
-- Routed up to the top means the cursor IS the top's id (or no cursor, no log): a
-- cursor above the top or not an id at all (written by someone else) counts as behind,
-- and the router, which also distrusts it, routes and mends it.
local cur = redis.call('GET', KEYS[4])
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local behind
if #top > 0 then behind = cur ~= top[1][1] else behind = cur ~= false end
local res = append(KEYS, ARGV)
if res[1] == 0 or behind then return res end
local kind, hub = ARGV[#ARGV - 1], ARGV[#ARGV]
local woke, parties, failed = {}, {}, false
for party in string.gmatch(ARGV[5], '[^,]+') do parties[#parties + 1] = party end
for i, party in ipairs(parties) do
  local code = 0
  if not failed then
    code = route(KEYS[5 + i], res[2], kind, ARGV[4], res[3])
    -- an inbox that refuses (not a stream): the append stands; the cursor stays, so
    -- the router routes this entry again and the rest of its parties with it
    if type(code) == 'table' then failed, code = true, 0 end
  end
  res[#res + 1] = code
  if code ~= 0 then woke[#woke + 1] = party end
end
if not failed then redis.call('SET', KEYS[4], res[2]) end
if #woke > 0 then  -- best effort (pumps also look on their own): never fail the append
  redis.pcall('XADD', KEYS[5], 'MAXLEN', '~', 10000, '*', 'p', table.concat(woke, ','), 'h', hub)
end
return res
""",
)

# KEYS: routing cursor, notify stream. ARGV: log id, parties ("" for none), hub.
# The router's record of a routed batch: the cursor only moves forward. Why: a router
# that lost its lease and finished one late step set it back past urgent entries that
# had routed themselves; appends then stopped routing themselves until the leader
# passed them again, and routed them a second time (the copies were refused, the
# counters counted twice). Not on a Cluster, where the two keys are in two slots.
MOVE_CURSOR: Final = Script(
    "move_cursor",
    """
local function before(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if not am or not bm then return true end
  if tonumber(am) ~= tonumber(bm) then return tonumber(am) < tonumber(bm) end
  return tonumber(as) < tonumber(bs)
end
-- a cursor in the future (more than a minute past this server's clock) was not
-- written by a router: overwritten, or every append would wait for the router for ever
local t = redis.call('TIME')
local future = tostring(tonumber(t[1]) * 1000 + 60000) .. '-0'
local cur = redis.call('GET', KEYS[1])
if (not cur) or before(cur, ARGV[1]) or before(future, cur) then
  redis.call('SET', KEYS[1], ARGV[1])
end
if ARGV[2] ~= '' then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', 10000, '*', 'p', ARGV[2], 'h', ARGV[3])
end
return 1
""",
)

# KEYS: lease. ARGV: owner, ttl ms. Take or renew the lease if free or ours.
LEASE: Final = Script(
    "lease",
    """
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
""",
)

Job = tuple[Script, Sequence[str], Sequence[Any]]


class Scripts:
    """Runs scripts on one redis-py client (single node or cluster)."""

    def __init__(self, client: Any, *, cluster: bool = False) -> None:
        self.r = client
        self.cluster = cluster

    async def call(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> Any:
        try:
            return await self.r.evalsha(script.sha, len(keys), *keys, *args)
        except NoScriptError:
            await self.r.script_load(script.source)
            return await self.r.evalsha(script.sha, len(keys), *keys, *args)

    async def pipeline(
        self,
        jobs: Sequence[Job],
        *,
        atomic: bool = False,
        then: Sequence[Callable[[Any], Any]] = (),
    ) -> list[Any]:
        """Run ``jobs`` in one pipeline, in order; replies (or errors) in place.

        ``atomic`` (MULTI/EXEC): no other client's command runs between the jobs. Why,
        for a burst of accepts: a SCRIPT FLUSH and reload by another hub between two
        jobs made the first fail NOSCRIPT and the second succeed, and the retry put
        them in the log out of the order given. Atomic, the jobs of one script all
        succeed or all fail, and the retry keeps their order.

        ``then``: each queues one more command on the pipeline, run after the jobs in
        the same transaction (so one fsync covers them all); their replies follow the
        jobs'. A job retried after NOSCRIPT runs again alone, without them.

        redis-py refuses scripts in a Cluster pipeline: there, the jobs on each key
        run one after another (their order is kept) and different keys concurrently.
        """
        if self.cluster:
            assert not then, "no commands after the jobs on a Cluster"
            return await self._per_key(jobs)
        if len(jobs) == 1 and not then:  # the common single submit: no pipeline object
            return await self._per_key(jobs)
        replies = await self._send(jobs, atomic, then)
        missing = [i for i, r in enumerate(replies[: len(jobs)]) if isinstance(r, NoScriptError)]
        if missing:
            for script in {jobs[i][0] for i in missing}:
                await self.r.script_load(script.source)
            again = await self._send([jobs[i] for i in missing], atomic)
            for i, reply in zip(missing, again, strict=True):
                replies[i] = reply
        return replies

    async def _per_key(self, jobs: Sequence[Job]) -> list[Any]:
        replies: list[Any] = [None] * len(jobs)
        by_key: dict[str, list[int]] = {}
        for i, (_s, keys, _a) in enumerate(jobs):
            by_key.setdefault(keys[0], []).append(i)

        async def run(indexes: list[int]) -> None:
            for i in indexes:
                script, keys, args = jobs[i]
                try:
                    replies[i] = await self.call(script, keys, args)
                except ResponseError as exc:  # in place, as a pipeline reports it
                    replies[i] = exc

        await asyncio.gather(*(run(ix) for ix in by_key.values()))
        return replies

    async def _send(
        self, jobs: Sequence[Job], atomic: bool = False, then: Sequence[Callable[[Any], Any]] = ()
    ) -> list[Any]:
        pipe = self.r.pipeline(transaction=atomic)
        # Jobs of several scripts (a burst of routine and urgent accepts): if Redis lost
        # one script but not the other, the jobs of the known one would run and the
        # others run later, out of the order given: the log order of one sender's burst.
        # So such a pipeline loads its scripts first (idempotent; these bursts are rare).
        scripts = {script.sha: script for script, _k, _a in jobs}
        if len(scripts) > 1:
            for script in scripts.values():
                pipe.script_load(script.source)
        for script, keys, args in jobs:
            pipe.evalsha(script.sha, len(keys), *keys, *args)
        for queue in then:
            queue(pipe)
        replies = list(await pipe.execute(raise_on_error=False))
        return replies[len(scripts) :] if len(scripts) > 1 else replies
