"""The device as a witness: checkpoints verified, cosigned, proofs asked and checked.

The socket side is injected (what the watch sends is recorded); the store is real.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotline.client.events import Event, SecurityAlert
from hotline.client.home import Home
from hotline.client.log_watch import LogWatch
from hotline.client.rosters import RosterBook
from hotline.client.store import Store
from hotline.protocol import SigningKey
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.frames import CheckpointPush, ConsistencyProof, Proofs
from hotline.protocol.merkle import MerkleTree, leaf_hash
from hotline.protocol.witness import Cosignature
from hotline.runtime.clock import now_ms


class Sent:
    """Records what the watch asks the connection to send."""

    def __init__(self) -> None:
        self.frames: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *a: self.frames.append((name, a))


class Watch:
    def __init__(self, home: Path, device: str = "HR/officer-1") -> None:
        h = Home(home)
        self.device = h.device(device)
        self.rosters = RosterBook(h.rosters())
        self.store = Store(self.device.directory / "store.sqlite")
        self.hub = SigningKey((home / "hub" / "hub.sign").read_bytes())
        self.sent = Sent()
        self.events: list[Event] = []
        self.proven: list[str] = []
        self.watch = self._make()

    def _make(self) -> LogWatch:
        async def send(op: Callable[[Any], None]) -> None:
            op(self.sent)

        async def proven(mids: list[str]) -> None:
            self.proven.extend(mids)

        return LogWatch(device=self.device, store=self.store, rosters=self.rosters, send=send,
                        emit=self.events.append, on_proven=proven, clock=now_ms)  # fmt: skip

    def checkpoint(self, tree: MerkleTree, size: int, prev: int = 0) -> Checkpoint:
        leaves = [tree.leaf(i) for i in range(prev, size)]
        net = self.rosters.current.network
        return Checkpoint.make(self.hub, net, "HUB/hub-1", tree.root(size), now_ms(), prev, leaves)


LEAVES = [leaf_hash(b"entry %d" % i) for i in range(12)]


async def test_checkpoints_are_witnessed_cosigned_and_proofs_asked(home: Path) -> None:
    w = Watch(home)
    tree = MerkleTree(LEAVES)
    w.watch.owe("msg:A", 2, LEAVES[2])
    w.watch.owe("msg:B", 9, LEAVES[9])
    first = w.checkpoint(tree, 4)
    await w.watch.on_checkpoint(CheckpointPush(first.encode(light=True)))
    names = [n for n, _ in w.sent.frames]
    assert names == ["cosign", "prove"]
    cosig = Cosignature.decode(w.sent.frames[0][1][0])
    assert cosig.cosigner == "HR/officer-1" and cosig.covers(first)
    assert w.sent.frames[1][1] == (4, [2])  # only what the tree of 4 can prove
    await w.watch.on_proofs(Proofs(4, ((2, tuple(tree.inclusion_proof(2, 4))),)))
    assert w.proven == ["A"]
    second = w.checkpoint(tree, 12, prev=4)
    await w.watch.on_checkpoint(CheckpointPush(second.encode(light=True)))
    assert w.sent.frames[-1] == ("consistency", (4, 12))
    await w.watch.on_consistency(ConsistencyProof(4, 12, tuple(tree.consistency_proof(4, 12))))
    assert [n for n, _ in w.sent.frames[-2:]] == ["cosign", "prove"]
    assert w.sent.frames[-1][1] == (12, [9])
    # a restart keeps what was owed and what was held
    w2 = Watch(home)
    assert w2.watch.held_size == 12 and len(w2.watch.queue) == 1


async def test_a_proof_the_hub_cannot_give_is_alarmed(home: Path) -> None:
    w = Watch(home)
    tree = MerkleTree(LEAVES)
    w.watch.owe("msg:X", 1, leaf_hash(b"shown but never logged"))
    await w.watch.on_checkpoint(CheckpointPush(w.checkpoint(tree, 8).encode(light=True)))
    await w.watch.on_proofs(Proofs(8, ((1, tuple(tree.inclusion_proof(1, 8))),)))
    assert w.proven == []
    assert any(isinstance(e, SecurityAlert) and "not in the witnessed log" in e.detail
               for e in w.events)  # fmt: skip


async def test_a_rewritten_history_is_published_as_a_fork(home: Path) -> None:
    w = Watch(home)
    tree = MerkleTree(LEAVES)
    await w.watch.on_checkpoint(CheckpointPush(w.checkpoint(tree, 6).encode(light=True)))
    other = MerkleTree([*LEAVES[:3], leaf_hash(b"rewritten"), *LEAVES[4:]])
    forged = w.checkpoint(other, 10)
    await w.watch.on_checkpoint(CheckpointPush(forged.encode(light=True)))
    assert w.sent.frames[-1][0] == "consistency"
    await w.watch.on_consistency(ConsistencyProof(6, 10, tuple(other.consistency_proof(6, 10))))
    assert w.sent.frames[-1][0] == "fork_proof"
    assert [e.detail.split(":")[0] for e in w.events] == ["forked history"]
    assert w.watch.held_size == 6  # the fork is not adopted


async def test_a_checkpoint_not_signed_by_the_hub_is_refused(home: Path) -> None:
    w = Watch(home)
    tree = MerkleTree(LEAVES)
    bad = Checkpoint.make(
        SigningKey(b"\x07" * 32), "x", "HUB/hub-1", tree.root(4), now_ms(), 0, LEAVES[:4]
    )
    await w.watch.on_checkpoint(CheckpointPush(bad.encode(light=True)))
    assert w.sent.frames == [] and w.watch.held_size == 0
    assert any(isinstance(e, SecurityAlert) for e in w.events)


async def test_auditors_do_not_cosign(home: Path) -> None:
    w = Watch(home, "AUDIT/auditor-1")
    tree = MerkleTree(LEAVES)
    await w.watch.on_checkpoint(CheckpointPush(w.checkpoint(tree, 4).encode(light=True)))
    assert "cosign" not in [n for n, _ in w.sent.frames]
