"""The device as a witness of the log: checkpoints, consistency, cosignatures, proofs.

Every checkpoint the hub pushes is verified (the hub's signature under the roster),
checked for consistency with the newest one this device holds (RFC 9162 proof), kept,
and countersigned — the parties' cosignatures are what lets an auditor refuse a history
the operator rewrote and re-signed. Two checkpoints that cannot both be true are
published as a fork proof and alarmed on. The inclusion proofs the device owes for its
deliveries are asked for against the newest checkpoint it holds; a proven message gets
its ``delivered`` receipt, one the hub cannot prove is marked failed and alarmed on.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from hotline.protocol import ProtocolError
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.connection import ClientConnection
from hotline.protocol.frames import CheckpointPush, ConsistencyProof, Proofs
from hotline.protocol.inclusion import ProofQueue
from hotline.protocol.witness import (
    Cosignature,
    Forked,
    NeedConsistency,
    Witness,
    Witnessed,
    WitnessStep,
)

from .events import Event, SecurityAlert
from .home import Device
from .link import NotConnected
from .rosters import RosterBook
from .store import Store

__all__ = ["PROOF_OVERDUE_MS", "LogWatch"]

log = logging.getLogger("hotline.client.log_watch")
Send = Callable[[Callable[[ClientConnection], None]], Awaitable[None]]
#: a delivery with no inclusion proof after this long is alarmed on (the hub stopped
#: checkpointing, or hides the entry from the witnessed history)
PROOF_OVERDUE_MS = 120_000


class LogWatch:
    """See the module docstring."""

    def __init__(
        self,
        *,
        device: Device,
        store: Store,
        rosters: RosterBook,
        send: Send,
        emit: Callable[[Event], None],
        on_proven: Callable[[list[str]], Awaitable[None]],
        clock: Callable[[], int],
    ) -> None:
        self.device = device
        self.store = store
        self.rosters = rosters
        self._send = send
        self._emit = emit
        self._on_proven = on_proven
        self._clock = clock
        held = [Checkpoint.decode(d) for d in store.checkpoints()]
        self.witness = Witness(held[-1] if held else None)
        self.queue: ProofQueue[str] = ProofQueue()
        for key, index, leaf, since in store.pending_proofs():
            self.queue.add(key, index, leaf, since)
        self._overdue_alerted: set[str] = set()

    @property
    def held(self) -> Checkpoint | None:
        """The newest checkpoint this device verified."""
        return self.witness.held

    @property
    def held_size(self) -> int:
        return self.witness.held.size if self.witness.held else 0

    # -- owed proofs ----------------------------------------------------------------
    def owe(self, key: str, index: int, leaf: bytes) -> None:
        """A delivery to prove; kept in the store so a restart still asks for it."""
        now = self._clock()
        self.store.add_proof(key, index, leaf, now)
        self.queue.add(key, index, leaf, now)

    async def ask(self) -> None:
        """Ask for every proof the newest held checkpoint can answer."""
        size = self.held_size
        wanted = self.queue.wanted(size) if size else []
        while wanted:
            await self._try(lambda c, w=wanted: c.prove(size, w))
            wanted = self.queue.wanted(size)

    async def on_proofs(self, frame: Proofs) -> None:
        cp = self._held_of(frame.size)
        if cp is None:
            return  # an answer for a checkpoint we no longer hold as newest: asked again
        res = self.queue.resolve(cp.size, cp.root, frame.proofs)
        proven = [k[4:] for k in res.proven if k.startswith("msg:")]
        with self.store.transaction():  # one commit per answer: two per message cost ~0.7 ms
            for key in res.proven:
                self.store.proof_done(key)
            for mid in proven:
                self.store.set_proof(mid, "proven")
            for key, why in res.failed:
                self.store.proof_done(key)
                if key.startswith("msg:"):
                    self.store.set_proof(key[4:], "failed", f"not_in_log: {why}")
        for key, why in res.failed:
            self._alarm("security", key, "not_in_log", reason=why)
        if proven:
            await self._on_proven(proven)

    def overdue(self) -> None:
        """Alarm on deliveries still unproven after PROOF_OVERDUE_MS (once each)."""
        for key, index in self.queue.overdue(self._clock(), PROOF_OVERDUE_MS):
            if key not in self._overdue_alerted:
                self._overdue_alerted.add(key)
                self._alarm("security", key, "unproven", index=index)

    # -- checkpoints ------------------------------------------------------------------
    async def on_checkpoint(self, frame: CheckpointPush) -> None:
        try:
            cp = Checkpoint.decode(frame.checkpoint)
            cp.verify(self.rosters.current)
        except ProtocolError as exc:
            self._alarm("security", "checkpoint", "bad_checkpoint", reason=exc.message)
            return
        await self._step(self.witness.offer(cp))

    async def on_consistency(self, frame: ConsistencyProof) -> None:
        await self._step(self.witness.consistency(frame.first, frame.second, list(frame.proof)))

    async def _step(self, step: WitnessStep) -> None:
        if isinstance(step, NeedConsistency):
            await self._try(lambda c: c.consistency(step.first, step.second))
        elif isinstance(step, Witnessed):
            cp = step.checkpoint
            self.store.save_checkpoint(cp.size, cp.encode(light=True))
            if self.device.role in ("officer", "feed"):  # the party's witnesses
                cosig = Cosignature.make(self.device.sign, self.device.id, cp, self._clock())
                await self._try(lambda c: c.cosign(cosig.encode()))
            await self.ask()
        elif not isinstance(step, Forked):  # Stale: nothing new, but proofs may be owed
            await self.ask()
        else:
            self._alarm("fork", "checkpoint", "fork", reason=step.error.message)
            first, second = step.first.encode(light=True), step.second.encode(light=True)
            await self._try(lambda c: c.fork_proof(first, second))

    def _held_of(self, size: int) -> Checkpoint | None:
        held = self.witness.held
        return held if held is not None and held.size == size else None

    # -- plumbing ----------------------------------------------------------------------
    def _alarm(self, kind: str, ref: str, code: str, **facts: Any) -> None:
        alert = SecurityAlert.of(ref, code, **facts)
        log.error("ALERT %s (%s): %s", ref, kind, alert.detail)
        self._emit(alert)

    async def _try(self, op: Callable[[ClientConnection], None]) -> None:
        with contextlib.suppress(NotConnected):  # the next connection pushes it again
            await self._send(op)
