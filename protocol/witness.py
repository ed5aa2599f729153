"""Witnessing the log: cosignatures by the parties, quorum, and fork evidence.

docs/protocol.md §9.5. The model is the transparency-log witness ecosystem (C2SP
tlog-witness and tlog-cosignature): a witness keeps the last checkpoint it verified,
checks every newer one for consistency with it (an RFC 9162 consistency proof), and
only then countersigns. Where we differ: objects are canonical msgpack, not signed
notes; a cosigner is named by its roster device id, not a key hash; a party's
devices are its witnesses, and the roster's quorum (counted in distinct voting
parties) decides when a checkpoint is witnessed. A history the hub's operator
rewrote and re-signed with the hub key carries no party's cosignature, so an auditor
refuses it with no outside input.

A cosignature is ``pack([1, cosigner, size, root, at_ms, signature])``; the
signature is Ed25519 by the cosigner over ``DOMAIN_COSIGN ‖ pack([network, hub, size,
root, cosigner, at_ms])``. Two checkpoints signed by a hub of the same network that
have the same size and different roots can never both be true: that pair is a *fork
proof* anyone can check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Final

from .checkpoint import Checkpoint
from .codec import pack, unpack
from .constants import DOMAIN_COSIGN
from .errors import DecodeError, ForkDetected, KeyError_, ProtocolError, SignatureError, WrongRole
from .ids import check_device_id
from .keys import SigningKey
from .merkle import verify_consistency
from .roster import Roster
from .signing import sign, verify

__all__ = [
    "COSIGNER_ROLES",
    "Cosignature",
    "Forked",
    "NeedConsistency",
    "Stale",
    "Witness",
    "WitnessCount",
    "WitnessStep",
    "Witnessed",
    "count_witnesses",
    "fork_between",
]

#: the devices that witness for their party: the consoles and national systems
COSIGNER_ROLES: Final = ("officer", "feed")
_MAX_COSIGNATURE: Final = 512


@dataclass(frozen=True, slots=True)
class Cosignature:
    """One device's countersignature on one checkpoint (size, root)."""

    cosigner: str
    size: int
    root: bytes
    at_ms: int
    signature: bytes = b""

    def payload(self, cp: Checkpoint) -> list[Any]:
        return [cp.network, cp.hub, self.size, self.root, self.cosigner, self.at_ms]

    @classmethod
    def make(cls, key: SigningKey, cosigner: str, cp: Checkpoint, at_ms: int) -> Cosignature:
        c = cls(cosigner, cp.size, cp.root, at_ms)
        return replace(c, signature=sign(key, DOMAIN_COSIGN, c.payload(cp)))

    def covers(self, cp: Checkpoint) -> bool:
        return self.size == cp.size and self.root == cp.root

    def verify(self, cp: Checkpoint, roster: Roster) -> str:
        """Check it countersigns ``cp`` and is by a witnessing device; returns its party.

        Raises:
            KeyError_ / WrongRole: the cosigner is not a current officer or feed of a
                voting party of ``roster``.
            SignatureError: the signature does not verify, or it is for another checkpoint.
        """
        dev = roster.get(self.cosigner)
        if dev is None:
            raise KeyError_(f"cosigner {self.cosigner} is not in roster version {roster.version}")
        voting = set(roster.party_codes("party"))
        if dev.role not in COSIGNER_ROLES or dev.revoked or dev.party not in voting:
            raise WrongRole(f"{self.cosigner} does not witness for a voting party")
        if not self.covers(cp):
            raise SignatureError(f"cosignature by {self.cosigner} is for another checkpoint")
        verify(dev.verify_key, self.signature, DOMAIN_COSIGN, self.payload(cp))
        return dev.party

    def encode(self) -> bytes:
        return pack([1, self.cosigner, self.size, self.root, self.at_ms, self.signature])

    @classmethod
    def decode(cls, data: bytes) -> Cosignature:
        obj = unpack(data, max_size=_MAX_COSIGNATURE, canonical=False)
        if not (isinstance(obj, list) and len(obj) == 6 and obj[0] == 1):
            raise DecodeError("a cosignature is [1, cosigner, size, root, at_ms, signature]")
        _, who, size, root, at, sig = obj
        if not (
            isinstance(who, str)
            and type(size) is int
            and size >= 0
            and isinstance(root, bytes)
            and len(root) == 32
            and type(at) is int
            and isinstance(sig, bytes)
            and len(sig) == 64
        ):
            raise DecodeError("cosignature: mistyped field")
        check_device_id(who, "cosigner")
        c = cls(who, size, root, at, sig)
        if c.encode() != bytes(data):
            raise DecodeError("cosignature is not canonically encoded")
        return c


@dataclass(frozen=True, slots=True)
class WitnessCount:
    """Which voting parties validly countersigned one checkpoint."""

    parties: frozenset[str]
    quorum: int
    invalid: tuple[tuple[str, str], ...] = ()  # (cosigner, problem)

    @property
    def witnessed(self) -> bool:
        return len(self.parties) >= self.quorum


def count_witnesses(cp: Checkpoint, cosigs: Iterable[Cosignature], roster: Roster) -> WitnessCount:
    """Count distinct voting parties among the valid cosignatures of ``cp``."""
    parties: set[str] = set()
    bad: list[tuple[str, str]] = []
    for c in cosigs:
        try:
            parties.add(c.verify(cp, roster))
        except ProtocolError as exc:
            bad.append((c.cosigner, f"{exc.code}: {exc.message}"))
    return WitnessCount(frozenset(parties), roster.quorum, tuple(bad))


def fork_between(a: Checkpoint, b: Checkpoint) -> ForkDetected | None:
    """Evidence that ``a`` and ``b`` cannot both be true, if they are such a pair.

    Both must already be verified as signed by a hub of the same network (the caller
    does that against its roster). Same size with different roots is a fork on its
    face; overlapping windows whose leaf hashes differ are one too.
    """
    if a.network != b.network:
        return None
    if a.size == b.size and a.root != b.root:
        return ForkDetected(f"two hub checkpoints of {a.size} entries with different roots")
    lo, hi = max(a.prev_size, b.prev_size), min(a.size, b.size)
    if a.leaves and b.leaves:
        for i in range(lo, hi):
            if a.leaves[i - a.prev_size] != b.leaves[i - b.prev_size]:
                return ForkDetected(f"two hub checkpoints disagree on log entry {i}")
    return None


@dataclass(frozen=True, slots=True)
class NeedConsistency:
    """Ask the hub for a consistency proof from ``first`` to ``second`` entries."""

    first: int
    second: int


@dataclass(frozen=True, slots=True)
class Witnessed:
    """The checkpoint extends the one held: keep it and cosign it."""

    checkpoint: Checkpoint


@dataclass(frozen=True, slots=True)
class Forked:
    """The hub showed two histories: publish both and alarm."""

    error: ForkDetected
    first: Checkpoint
    second: Checkpoint


@dataclass(frozen=True, slots=True)
class Stale:
    """Nothing new (the same or an older checkpoint)."""


WitnessStep = NeedConsistency | Witnessed | Forked | Stale


class Witness:
    """One device's view of the log: the newest checkpoint it verified.

    Sans-I/O, like the connections: :meth:`offer` a checkpoint (already verified as
    signed by a hub of the roster) and act on the step it returns; answer a
    :class:`NeedConsistency` with the hub's proof through :meth:`consistency`. The first
    checkpoint a new device sees is taken on trust (there is nothing to compare it
    with); every later one must extend it.
    """

    def __init__(self, held: Checkpoint | None = None) -> None:
        self.held = held
        self._offered: Checkpoint | None = None

    def offer(self, cp: Checkpoint) -> WitnessStep:
        held = self.held
        if held is None:
            self.held = cp
            return Witnessed(cp)
        if cp.size <= held.size:
            if cp.size == held.size and cp.root != held.root:
                return Forked(
                    ForkDetected("two checkpoints of one size, different roots"), held, cp
                )
            return Stale()
        fork = fork_between(held, cp)
        if fork is not None:
            return Forked(fork, held, cp)
        self._offered = cp
        return NeedConsistency(held.size, cp.size)

    def consistency(self, first: int, second: int, proof: list[bytes]) -> WitnessStep:
        """The hub's answer to :class:`NeedConsistency`."""
        held, cp = self.held, self._offered
        if held is None or cp is None or (first, second) != (held.size, cp.size):
            return Stale()  # an answer to an older question
        self._offered = None
        if not verify_consistency(held.size, cp.size, held.root, cp.root, proof):
            err = ForkDetected(
                f"the hub's checkpoint of {cp.size} entries is not consistent with "
                f"the one of {held.size} this device holds"
            )
            return Forked(err, held, cp)
        self.held = cp
        return Witnessed(cp)
