"""The log on the wire: roster and checkpoint pushes, cosignatures, proofs, forks, alerts (§9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import LimitExceeded, SchemaError
from .base import PROVE_MAX, Frame, need

__all__ = [
    "Alert",
    "CheckpointPush",
    "Consistency",
    "ConsistencyProof",
    "Cosign",
    "ForkProof",
    "Proofs",
    "Prove",
    "RosterPush",
]


@dataclass(frozen=True, slots=True)
class RosterPush(Frame):
    TYPE = "roster"
    SENDERS = ("hub",)
    roster: bytes

    def fields(self) -> dict[str, Any]:
        return {"roster": self.roster}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> RosterPush:
        return cls(need(cls.TYPE, f, "roster", bytes))


@dataclass(frozen=True, slots=True)
class CheckpointPush(Frame):
    """A hub checkpoint (light encoding), on connect and whenever a new one is signed."""

    TYPE = "checkpoint"
    SENDERS = ("hub",)
    checkpoint: bytes

    def fields(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> CheckpointPush:
        return cls(need(cls.TYPE, f, "checkpoint", bytes))


@dataclass(frozen=True, slots=True)
class Cosign(Frame):
    """The device's cosignature on a checkpoint it verified (docs/protocol.md §9.4)."""

    TYPE = "cosign"
    SENDERS = ("client",)
    cosignature: bytes

    def fields(self) -> dict[str, Any]:
        return {"cosignature": self.cosignature}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Cosign:
        return cls(need(cls.TYPE, f, "cosignature", bytes))


@dataclass(frozen=True, slots=True)
class Prove(Frame):
    """Inclusion proofs wanted for these leaf indexes in the tree of ``size`` entries."""

    TYPE = "prove"
    SENDERS = ("client",)
    size: int
    indexes: tuple[int, ...]

    def fields(self) -> dict[str, Any]:
        return {"size": self.size, "indexes": list(self.indexes)}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Prove:
        size = need(cls.TYPE, f, "size", int)
        raw = need(cls.TYPE, f, "indexes", list)
        if len(raw) > PROVE_MAX:
            raise LimitExceeded(f"prove.indexes: more than {PROVE_MAX} in one frame")
        if not all(type(i) is int and 0 <= i < size for i in raw):
            raise SchemaError(
                "prove.indexes: each must be a leaf index below size", field="indexes"
            )
        return cls(size, tuple(raw))


@dataclass(frozen=True, slots=True)
class Proofs(Frame):
    """Audit paths (RFC 9162 §2.1.3) for leaves of the tree of ``size`` entries."""

    TYPE = "proofs"
    SENDERS = ("hub",)
    size: int
    proofs: tuple[tuple[int, tuple[bytes, ...]], ...]

    def fields(self) -> dict[str, Any]:
        return {"size": self.size, "proofs": [[i, list(p)] for i, p in self.proofs]}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Proofs:
        size = need(cls.TYPE, f, "size", int)
        raw = need(cls.TYPE, f, "proofs", list)
        out = []
        for item in raw:
            if not (
                isinstance(item, list)
                and len(item) == 2
                and type(item[0]) is int
                and isinstance(item[1], list)
                and all(isinstance(h, bytes) and len(h) == 32 for h in item[1])
            ):
                raise SchemaError("proofs.proofs: each is [index, [hash, ...]]", field="proofs")
            out.append((item[0], tuple(item[1])))
        return cls(size, tuple(out))


@dataclass(frozen=True, slots=True)
class Consistency(Frame):
    """A consistency proof wanted from the tree of ``first`` to that of ``second`` entries."""

    TYPE = "consistency"
    SENDERS = ("client",)
    first: int
    second: int

    def fields(self) -> dict[str, Any]:
        return {"from": self.first, "to": self.second}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Consistency:
        a, b = need(cls.TYPE, f, "from", int), need(cls.TYPE, f, "to", int)
        if not 0 < a <= b:
            raise SchemaError("consistency: need 0 < from <= to", field="from")
        return cls(a, b)


@dataclass(frozen=True, slots=True)
class ConsistencyProof(Frame):
    TYPE = "consistency_proof"
    SENDERS = ("hub",)
    first: int
    second: int
    proof: tuple[bytes, ...]

    def fields(self) -> dict[str, Any]:
        return {"from": self.first, "to": self.second, "proof": list(self.proof)}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> ConsistencyProof:
        t = cls.TYPE
        proof = need(t, f, "proof", list)
        if not all(isinstance(h, bytes) and len(h) == 32 for h in proof):
            raise SchemaError("consistency_proof.proof: 32-byte hashes", field="proof")
        return cls(need(t, f, "from", int), need(t, f, "to", int), tuple(proof))


@dataclass(frozen=True, slots=True)
class ForkProof(Frame):
    """Two hub checkpoints that cannot both be true, for the log and every party."""

    TYPE = "fork_proof"
    SENDERS = ("client",)
    first: bytes
    second: bytes

    def fields(self) -> dict[str, Any]:
        return {"first": self.first, "second": self.second}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> ForkProof:
        return cls(need(cls.TYPE, f, "first", bytes), need(cls.TYPE, f, "second", bytes))


@dataclass(frozen=True, slots=True)
class Alert(Frame):
    """The hub tells every device about an integrity alarm it raised."""

    TYPE = "alert"
    SENDERS = ("hub",)
    code: str
    message: str
    at_ms: int

    def fields(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "at_ms": self.at_ms}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Alert:
        t = cls.TYPE
        return cls(need(t, f, "code", str), need(t, f, "message", str), need(t, f, "at_ms", int))
