"""Checkpoints: the hub's signed tree heads over the log (docs/protocol.md §9.3).

A *checkpoint* is the hub's signature over (network, hub, size, root, at_ms,
prev_size, window_digest), where ``window_digest`` is H(leaf hashes of entries
prev_size..size-1). The window's leaf hashes travel with the checkpoint (the
"full" encoding; the "light" one leaves them out), so a verifier can say exactly
which entry was edited, removed or reordered, not just that the root differs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .codec import pack, unpack
from .constants import DOMAIN_CHECKPOINT, MAX_FRAME
from .errors import DecodeError, SignatureError
from .keys import SigningKey
from .roster import Roster
from .signing import sign, verify

__all__ = ["Checkpoint"]


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed tree head plus the leaf hashes of the entries it adds."""

    network: str
    hub: str
    size: int
    root: bytes
    at_ms: int
    prev_size: int
    window_digest: bytes
    signature: bytes = b""
    leaves: tuple[bytes, ...] = ()

    def payload(self) -> list[Any]:
        return [
            1,
            self.network,
            self.hub,
            self.size,
            self.root,
            self.at_ms,
            self.prev_size,
            self.window_digest,
        ]

    @classmethod
    def make(
        cls,
        key: SigningKey,
        network: str,
        hub: str,
        root: bytes,
        at_ms: int,
        prev_size: int,
        leaves: Sequence[bytes],
    ) -> Checkpoint:
        digest = hashlib.sha256(b"".join(leaves)).digest()
        c = cls(
            network,
            hub,
            prev_size + len(leaves),
            root,
            at_ms,
            prev_size,
            digest,
            b"",
            tuple(leaves),
        )
        return replace(c, signature=sign(key, DOMAIN_CHECKPOINT, c.payload()))

    def verify(self, roster: Roster) -> None:
        """Check the hub's signature (the hub's key from the roster) and the window."""
        dev = roster.get(self.hub)
        if dev is None or dev.role != "hub":
            raise SignatureError(f"checkpoint signed by {self.hub}, not a hub in the roster")
        if self.network != roster.network:
            # a second history signed under another network's name is no excuse for it
            raise SignatureError(
                f"checkpoint of network {self.network!r}, the roster's is {roster.network!r}"
            )
        verify(dev.verify_key, self.signature, DOMAIN_CHECKPOINT, self.payload())
        if self.leaves and (
            len(self.leaves) != self.size - self.prev_size
            or hashlib.sha256(b"".join(self.leaves)).digest() != self.window_digest
        ):
            raise SignatureError(f"checkpoint {self.size}: window leaves do not match")

    def encode(self, light: bool = False) -> bytes:
        return pack([*self.payload(), self.signature, [] if light else list(self.leaves)])

    @classmethod
    def decode(cls, data: bytes) -> Checkpoint:
        obj = unpack(data, max_size=MAX_FRAME)
        if not (isinstance(obj, list) and len(obj) == 10 and obj[0] == 1):
            raise DecodeError(
                "a checkpoint is [1, network, hub, size, root, at_ms, "
                "prev_size, window_digest, signature, leaves]"
            )
        _, net, hub, size, root_, at, prev, dig, sig, leaves = obj
        ok = (
            isinstance(net, str)
            and isinstance(hub, str)
            and type(size) is int
            and type(at) is int
            and type(prev) is int
            and 0 <= prev <= size
            and isinstance(root_, bytes)
            and len(root_) == 32
            and isinstance(dig, bytes)
            and isinstance(sig, bytes)
            and isinstance(leaves, list)
            and all(isinstance(x, bytes) and len(x) == 32 for x in leaves)
        )
        if not ok:
            raise DecodeError("checkpoint: mistyped field")
        return cls(net, hub, size, root_, at, prev, dig, sig, tuple(leaves))
