"""A device's pending inclusion proofs (docs/protocol.md §8.3, §9).

Every delivery a device keeps is queued here as (index, leaf hash) under a key the
caller chooses (its message id, say). Once the device holds a checkpoint of ``size``
entries, :meth:`ProofQueue.wanted` names the indexes to ask for (``prove`` frames of at
most ``PROVE_MAX``) and :meth:`ProofQueue.resolve` checks the answers against that
checkpoint's root: a leaf the hub cannot prove is not in the history the parties
witness, and the device alerts on it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .frames import PROVE_MAX
from .merkle import verify_inclusion

__all__ = ["Pending", "ProofQueue", "Resolution"]

K = TypeVar("K", bound=Hashable)


@dataclass(slots=True)
class Pending(Generic[K]):
    key: K
    index: int
    leaf: bytes
    since_ms: int
    asked: int = 0  # the tree size it was last asked for (0: never)


@dataclass(frozen=True, slots=True)
class Resolution(Generic[K]):
    proven: list[K] = field(default_factory=list)
    failed: list[tuple[K, str]] = field(default_factory=list)


class ProofQueue(Generic[K]):
    """See the module docstring."""

    def __init__(self) -> None:
        self._by_index: dict[int, list[Pending[K]]] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_index.values())

    def add(self, key: K, index: int, leaf: bytes, now_ms: int) -> None:
        self._by_index.setdefault(index, []).append(Pending(key, index, leaf, now_ms))

    def wanted(self, size: int) -> list[int]:
        """Indexes below ``size`` not yet asked for at this size, at most PROVE_MAX."""
        out: list[int] = []
        for index in sorted(self._by_index):
            if index >= size:
                break
            items = self._by_index[index]
            if any(p.asked < size for p in items):
                for p in items:
                    p.asked = size
                out.append(index)
                if len(out) == PROVE_MAX:
                    break
        return out

    def resolve(
        self, size: int, root: bytes, proofs: Sequence[tuple[int, Sequence[bytes]]]
    ) -> Resolution[K]:
        """Check the hub's audit paths against the checkpoint (size, root) we hold."""
        res: Resolution[K] = Resolution()
        for index, path in proofs:
            for p in self._by_index.pop(index, []):
                if verify_inclusion(p.leaf, index, size, path, root):
                    res.proven.append(p.key)
                else:
                    res.failed.append((p.key, f"entry {index} is not in the log of {size}"))
        return res

    def overdue(self, now_ms: int, after_ms: int) -> list[tuple[K, int]]:
        """Deliveries waiting longer than ``after_ms`` for a proof: (key, index)."""
        return [
            (p.key, p.index)
            for items in self._by_index.values()
            for p in items
            if now_ms - p.since_ms > after_ms
        ]

    def pending_keys(self) -> list[K]:
        """Everything still waiting for a proof."""
        return [p.key for items in self._by_index.values() for p in items]

    def drop(self, key: K) -> None:
        for index in list(self._by_index):
            rest = [p for p in self._by_index[index] if p.key != key]
            if rest:
                self._by_index[index] = rest
            else:
                del self._by_index[index]
