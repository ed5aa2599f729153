"""The parties' cosignatures on hub checkpoints, and the fork proofs they publish.

docs/protocol.md §9.4. A device that verified a checkpoint's consistency sends its
cosignature; the hub checks it (the cosigner is the authenticated device, a witness of
a voting party, the checkpoint is one this network's hub signed) and keeps it beside the
checkpoint, so the checkpoint endpoint and every audit export carry them. A fork proof
— two hub checkpoints that cannot both be true — is logged and routed to every party in
the urgent lane; the log then holds the evidence against its own hub.
"""

from __future__ import annotations

from typing import Final

from hotline.protocol import ProtocolError, SchemaError, SenderMismatch, pack
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.errors import NotFound, RateLimited
from hotline.protocol.frames import ForkProof
from hotline.protocol.witness import Cosignature, count_witnesses
from hotline.runtime.clock import now_ms

from .event_log import HubSigner
from .log_tree import LogTree
from .metrics import Metrics
from .roster_store import RosterState
from .streams import Streams

__all__ = ["Witnesses"]

FORK_PROOFS_PER_MINUTE: Final = 1  # per reporter: evidence, not a flood


class Witnesses:
    def __init__(
        self, streams: Streams, roster: RosterState, tree: LogTree, metrics: Metrics
    ) -> None:
        self.streams = streams
        self.roster = roster
        self.tree = tree
        self.metrics = metrics
        self._forks: dict[str, int] = {}

    async def add(self, data: bytes, device: str) -> None:
        """Check and keep one cosignature from the authenticated ``device``."""
        c = Cosignature.decode(data)
        if c.cosigner != device:
            raise SenderMismatch(f"authenticated as {device}, cosignature is by {c.cosigner}")
        cp = self.tree.by_size.get(c.size)
        if cp is None:
            raise NotFound(f"no checkpoint of {c.size} entries to cosign")
        c.verify(cp, self.roster.current)
        await self.streams.checkpoints.add_cosignature(c.size, c.cosigner, data)
        self.metrics.inc("hotline_cosignatures_total")

    async def cosignatures(self, size: int) -> list[bytes]:
        return await self.streams.checkpoints.cosignatures(size)

    async def witnessed(self, cp: Checkpoint) -> bool:
        cosigs = [Cosignature.decode(d) for d in await self.cosignatures(cp.size)]
        return count_witnesses(cp, cosigs, self.roster.current).witnessed

    async def fork_proof(self, frame: ForkProof, reporter: str, signer: HubSigner) -> None:
        """Log a party's evidence that the hub showed two histories."""
        minute = now_ms() // 60_000
        if self._forks.get(reporter) == minute:
            raise RateLimited("one fork proof a minute per device: the first one is logged")
        roster = self.roster.current
        try:
            first, second = Checkpoint.decode(frame.first), Checkpoint.decode(frame.second)
            first.verify(roster)
            second.verify(roster)
        except ProtocolError as exc:
            raise SchemaError(f"a fork proof holds two hub checkpoints: {exc.message}") from exc
        if first.encode(light=True) == second.encode(light=True):
            raise SchemaError("a fork proof needs two different checkpoints")
        self._forks[reporter] = minute
        message = f"{reporter} holds checkpoints of {first.size} and {second.size} entries"
        event = signer.event(
            "fork_proof", now_ms(), pack([frame.first, frame.second]), reporter=reporter,
            message=message,
        )  # fmt: skip
        parties = [p.code for p in roster.parties if p.kind in ("party", "observer")]
        await self.streams.log.append_event("fork_proof", event, route_to=parties, lane="urgent")
        self.metrics.inc("hotline_fork_proofs_total")

    def latest(self) -> Checkpoint:
        if self.tree.latest is None:
            raise NotFound("no checkpoint yet")
        return self.tree.latest
