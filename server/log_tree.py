"""Every checkpointed leaf of the log as a stored Merkle tree, and the checkpoints by size.

Each hub process keeps one, filled from the checkpoints' windows: proofs are answered
from stored nodes (O(log² n) look-ups), never by rehashing the log per request, and
only for tree sizes a hub checkpoint was signed at — the sizes a device can hold.
"""

from __future__ import annotations

from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.errors import NotFound
from hotline.protocol.merkle import MerkleTree

__all__ = ["LogTree"]


class LogTree:
    def __init__(self) -> None:
        self.tree = MerkleTree()
        self.by_size: dict[int, Checkpoint] = {}
        self.latest: Checkpoint | None = None

    def add(self, cp: Checkpoint) -> bool:
        """Extend with a checkpoint's window; False if it does not follow (a gap)."""
        if cp.size in self.by_size:
            return False
        if cp.prev_size != self.tree.size or len(cp.leaves) != cp.size - cp.prev_size:
            return False
        for leaf in cp.leaves:
            self.tree.append(leaf)
        self.by_size[cp.size] = cp
        self.latest = cp
        return True

    def _signed(self, size: int) -> None:
        if size not in self.by_size:
            raise NotFound(f"no checkpoint of {size} entries: ask for a checkpoint's size")

    def inclusion(self, index: int, size: int) -> list[bytes]:
        self._signed(size)
        if not 0 <= index < size:
            raise NotFound(f"entry {index} is not in the tree of {size}")
        return self.tree.inclusion_proof(index, size)

    def consistency(self, first: int, second: int) -> list[bytes]:
        """From any earlier size (the one a device holds) to a signed one.

        ``first`` need not be a size this hub signed: a device holding a checkpoint of
        another history gets the proof of this one, and the proof fails to verify there —
        which is exactly the evidence of a fork.
        """
        self._signed(second)
        if not 0 < first <= second:
            raise NotFound(f"no consistency from {first} to {second} entries")
        return self.tree.consistency_proof(first, second)
