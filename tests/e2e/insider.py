"""What an insider with write access to the hub's Redis can do (issue 15's threat).

Everything here writes straight into Redis the way someone holding its password could,
never through the hub's code: appending log entries with the fields the router reads
(``t e mid to ln n``), inbox references, deletions, a rewritten log with checkpoints
re-signed by the hub's own key (home/hub/hub.sign — an operator has it). Envelopes are
made with whatever device key the attack assumes was stolen (a revoked device, a feed,
the hub itself).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hotline.client.compose import compose
from hotline.client.home import Device, Home
from hotline.protocol import Envelope, Roster, SigningKey
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import Frontier, leaf_hash
from hotline.runtime.clock import now_ms
from hotline.server.streams import CHECKPOINTS, COUNTER, LOG
from hotline.server.streams.keys import cosig_key
from tests.factories import SAMPLE_BODIES

__all__ = ["HUB", "Insider"]

HUB = "HUB/hub-1"
NETWORK = "cbm-hotline-local"

#: the insider's own append: the next leaf index and the entry in one step, as the
#: hub's script does (an INCR then an XADD from outside could interleave with the hub)
_APPEND = """
local n = redis.call('INCR', KEYS[2]) - 1
local id = redis.call('XADD', KEYS[1], '*', 't', ARGV[1], 'e', ARGV[2], 'mid', ARGV[3],
                      'to', ARGV[4], 'ln', ARGV[5], 'n', n)
return {id, n}
"""


class Insider:
    """Raw Redis plus the hub's signing key."""

    def __init__(self, redis: Any, home: Path) -> None:
        self.r = redis
        self.home = Home(home)
        self.hub_key = SigningKey((home / "hub" / "hub.sign").read_bytes())
        self._seq = 1000

    # -- envelopes made with stolen keys ----------------------------------------------
    def device(self, device_id: str) -> Device:
        if device_id == HUB:  # the hub has no sealing key of its own; any suite will do
            enc = self.home.device("HR/officer-1").enc
            return Device(HUB, "hub", self.hub_key, enc, self.home.root / "hub")
        return self.home.device(device_id)

    def envelope(
        self,
        device_id: str,
        roster: Roster,
        to: Sequence[str] = ("HR",),
        family: str = "hotline_message",
        body: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Envelope:
        self._seq += 1
        env, _ = compose(
            self.device(device_id),
            roster,
            recipients=tuple(to),
            family=family,
            body=body or SAMPLE_BODIES[family],
            seq=self._seq,
            now_ms=kw.pop("now_ms", now_ms()),
            **kw,
        )
        return env

    # -- log events -------------------------------------------------------------------
    def event(
        self, etype: str, payload: bytes = b"", *, sign: bool = True, at_ms: int = 0, **extra: Any
    ) -> bytes:
        ev = LogEvent(etype, at_ms or now_ms(), HUB, payload, extra)
        return (ev.signed(self.hub_key) if sign else ev).encode()

    def accepted(self, env: Envelope, rv: int = 1, *, sign: bool = True) -> bytes:
        """The hub's wrapper around an envelope, as intake writes it."""
        return self.event("accepted", env.encode(), sign=sign, rv=rv)

    async def append(
        self, etype: str, event: bytes, *, mid: str = "", to: Sequence[str] = (), lane: str = ""
    ) -> tuple[str, int]:
        """XADD one entry to the log with the next leaf index; (stream id, index)."""
        eid, n = await self.r.eval(
            _APPEND, 2, LOG, COUNTER, etype, event, mid, ",".join(to), lane or "routine"
        )
        return (eid.decode() if isinstance(eid, bytes) else str(eid)), int(n)

    async def forge(self, env: Envelope, rv: int = 1, *, sign: bool = True) -> tuple[str, int]:
        """An accepted entry for ``env``, routed to its recipients, sender and auditors."""
        to = sorted({*env.recipients, env.sender, "AUDIT"})
        return await self.append(
            "accepted", self.accepted(env, rv, sign=sign), mid=env.id.hex(), to=to
        )

    async def log(self) -> list[tuple[bytes, dict[bytes, bytes]]]:
        return list(await self.r.xrange(LOG))

    async def size(self) -> int:
        return int(await self.r.xlen(LOG))

    # -- a rewritten history, re-signed -----------------------------------------------
    async def rewrite(self, change: Any) -> None:
        """Replace the log stream with ``change(entries)``, atomically."""
        new = change(await self.log())
        pipe = self.r.pipeline(transaction=True)
        pipe.delete("tmp:log")
        for eid, fields in new:
            pipe.xadd("tmp:log", fields, id=eid)
        pipe.rename("tmp:log", LOG)
        await pipe.execute()

    async def resign_checkpoints(self) -> list[Checkpoint]:
        """New checkpoints over the log as it now is, with the old checkpoints' sizes,
        signed with the hub's key: the history verifies against its own checkpoints."""
        old = [Checkpoint.decode(bytes(f[b"c"])) for _i, f in await self.r.xrange(CHECKPOINTS)]
        leaves = [leaf_hash(bytes(f[b"e"])) for _i, f in await self.log()]
        frontier, made, prev = Frontier(), [], 0
        for cp in old:
            for leaf in leaves[prev : cp.size]:
                frontier.append(leaf)
            made.append(
                Checkpoint.make(
                    self.hub_key,
                    NETWORK,
                    HUB,
                    frontier.root(),
                    cp.at_ms,
                    prev,
                    leaves[prev : cp.size],
                )
            )
            prev = cp.size
        pipe = self.r.pipeline(transaction=True)
        pipe.delete(CHECKPOINTS)
        for cp in made:
            pipe.xadd(CHECKPOINTS, {"c": cp.encode(), "size": cp.size})
        await pipe.execute()
        return made

    async def drop_cosignatures(self, sizes: Sequence[int]) -> None:
        if sizes:
            await self.r.delete(*(cosig_key(s) for s in sizes))
