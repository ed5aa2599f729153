"""Frames: the typed messages of the websocket session (docs/protocol.md §8).

Every websocket message carries one frame, the canonical msgpack array
``[type, {fields}]``. Each frame type is one frozen class here with its fields typed;
:func:`decode_frame` turns bytes into one of them or raises a typed error naming the
field, and ``frame.encode()`` gives the bytes. Extra fields a peer sends are ignored
(a newer peer may add some); missing or mistyped required fields are ``schema_error``,
bytes that are not a frame at all are ``decode_error``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Literal

from .codec import pack, unpack
from .constants import MAX_FRAME
from .errors import DecodeError, LimitExceeded, ProtocolError, SchemaError, error_for_code

__all__ = [
    "ACK_MAX",
    "FRAME_TYPES",
    "PROVE_MAX",
    "Accepted",
    "Ack",
    "Alert",
    "Auth",
    "Bye",
    "Challenge",
    "CheckpointPush",
    "Consistency",
    "ConsistencyProof",
    "Cosign",
    "Deliver",
    "Error",
    "ForkProof",
    "Frame",
    "Proofs",
    "Prove",
    "ReceiptSubmit",
    "RosterPush",
    "Status",
    "StatusResult",
    "Submit",
    "Welcome",
    "decode_frame",
    "is_delivery_id",
]

Sender = Literal["hub", "client"]

#: the most delivery ids one ack frame carries, and the most proofs one prove asks for
ACK_MAX: Final = 1000
PROVE_MAX: Final = 256
_DELIVERY_ID: Final = re.compile(r"[0-9]{1,20}-[0-9]{1,20}")


def is_delivery_id(v: object) -> bool:
    """A delivery id is a Redis stream id ``ms-seq`` (docs/protocol.md §8.3)."""
    return isinstance(v, str) and _DELIVERY_ID.fullmatch(v) is not None


def _need(ftype: str, f: dict[str, Any], name: str, typ: type, size: int | None = None) -> Any:
    v: Any = f.get(name)
    if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
        raise SchemaError(f"{ftype}.{name}: missing or not a {typ.__name__}", field=name)
    if isinstance(v, int) and v < 0:
        raise SchemaError(f"{ftype}.{name}: must not be negative", field=name)
    if size is not None and isinstance(v, bytes) and len(v) != size:
        raise SchemaError(f"{ftype}.{name}: must be {size} bytes", field=name)
    return v


def _maybe(ftype: str, f: dict[str, Any], name: str, typ: type, default: Any) -> Any:
    return default if f.get(name) is None else _need(ftype, f, name, typ)


@dataclass(frozen=True, slots=True)
class Frame:
    """Base of every frame: its wire type and who may send it."""

    TYPE: ClassVar[str] = ""
    SENDERS: ClassVar[tuple[Sender, ...]] = ()

    def fields(self) -> dict[str, Any]:
        raise NotImplementedError

    def encode(self) -> bytes:
        return pack([self.TYPE, self.fields()])

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Frame:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Challenge(Frame):
    TYPE = "challenge"
    SENDERS = ("hub",)
    hub: str
    conn: bytes
    nonce: bytes
    at_ms: int

    def fields(self) -> dict[str, Any]:
        return {"hub": self.hub, "conn": self.conn, "nonce": self.nonce, "at_ms": self.at_ms}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Challenge:
        t = cls.TYPE
        return cls(
            _need(t, f, "hub", str),
            _need(t, f, "conn", bytes, 16),
            _need(t, f, "nonce", bytes, 32),
            _need(t, f, "at_ms", int),
        )


@dataclass(frozen=True, slots=True)
class Auth(Frame):
    TYPE = "auth"
    SENDERS = ("client",)
    device: str
    at_ms: int
    signature: bytes
    roster_version: int = 0
    checkpoint_size: int = 0  # the newest checkpoint the device holds (0: none)

    def fields(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "at_ms": self.at_ms,
            "signature": self.signature,
            "roster_version": self.roster_version,
            "checkpoint_size": self.checkpoint_size,
        }

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Auth:
        t = cls.TYPE
        return cls(
            _need(t, f, "device", str),
            _need(t, f, "at_ms", int),
            _need(t, f, "signature", bytes, 64),
            _maybe(t, f, "roster_version", int, 0),
            _maybe(t, f, "checkpoint_size", int, 0),
        )


@dataclass(frozen=True, slots=True)
class Welcome(Frame):
    TYPE = "welcome"
    SENDERS = ("hub",)
    device: str
    roster_version: int
    hub: str

    def fields(self) -> dict[str, Any]:
        return {"device": self.device, "roster_version": self.roster_version, "hub": self.hub}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Welcome:
        t = cls.TYPE
        return cls(
            _need(t, f, "device", str), _need(t, f, "roster_version", int), _need(t, f, "hub", str)
        )


@dataclass(frozen=True, slots=True)
class Submit(Frame):
    """An envelope for the hub; ``id`` is its message id, so every answer can name it."""

    TYPE = "submit"
    SENDERS = ("client",)
    id: bytes
    envelope: bytes

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "envelope": self.envelope}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Submit:
        return cls(_need(cls.TYPE, f, "id", bytes, 16), _need(cls.TYPE, f, "envelope", bytes))


@dataclass(frozen=True, slots=True)
class Accepted(Frame):
    TYPE = "accepted"
    SENDERS = ("hub",)
    id: bytes
    position: str
    duplicate: bool
    urgent: bool = False

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "position": self.position,
            "duplicate": self.duplicate,
        }
        if self.urgent:
            out["urgent"] = True
        return out

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Accepted:
        t = cls.TYPE
        return cls(
            _need(t, f, "id", bytes, 16),
            _need(t, f, "position", str),
            _need(t, f, "duplicate", bool),
            f.get("urgent") is True,
        )


@dataclass(frozen=True, slots=True)
class Deliver(Frame):
    """One log entry for the device: ``entry`` is the whole log event, ``index`` its leaf."""

    TYPE = "deliver"
    SENDERS = ("hub",)
    delivery: str
    entry: bytes
    index: int
    urgent: bool = False

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"delivery": self.delivery, "entry": self.entry, "index": self.index}
        if self.urgent:
            out["urgent"] = True
        return out

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Deliver:
        t = cls.TYPE
        d = _need(t, f, "delivery", str)
        if not is_delivery_id(d):
            raise SchemaError("deliver.delivery: not a delivery id", field="delivery")
        return cls(
            d, _need(t, f, "entry", bytes), _need(t, f, "index", int), f.get("urgent") is True
        )


@dataclass(frozen=True, slots=True)
class Ack(Frame):
    """Deliveries the device has stored. ``invalid`` holds what was not a delivery id."""

    TYPE = "ack"
    SENDERS = ("client",)
    deliveries: tuple[str, ...]
    invalid: tuple[str, ...] = field(default=(), compare=False)

    def fields(self) -> dict[str, Any]:
        return {"deliveries": list(self.deliveries)}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Ack:
        raw = f.get("deliveries")
        if not isinstance(raw, list):
            raise SchemaError("ack.deliveries: missing or not a list", field="deliveries")
        if len(raw) > ACK_MAX:
            raise LimitExceeded(f"ack.deliveries: more than {ACK_MAX} ids in one frame")
        good = tuple(d for d in raw if is_delivery_id(d))
        # Why one by one: a single malformed id used to fail the XACK of the whole batch,
        # and of every later ack on the connection, so everything was redelivered.
        bad = tuple(_excerpt(d) for d in raw if not is_delivery_id(d))
        return cls(good, bad)


def _excerpt(v: object) -> str:
    """A short, printable rendering of a peer's bad value (never echo it whole)."""
    text = repr(v)
    return text[:24] + ("…" if len(text) > 24 else "")


@dataclass(frozen=True, slots=True)
class ReceiptSubmit(Frame):
    """A signed receipt from the device (docs/protocol.md §6)."""

    TYPE = "receipt"
    SENDERS = ("client",)
    receipt: bytes

    def fields(self) -> dict[str, Any]:
        return {"receipt": self.receipt}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> ReceiptSubmit:
        return cls(_need(cls.TYPE, f, "receipt", bytes))


@dataclass(frozen=True, slots=True)
class Status(Frame):
    TYPE = "status"
    SENDERS = ("client",)
    id: bytes

    def fields(self) -> dict[str, Any]:
        return {"id": self.id}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Status:
        return cls(_need(cls.TYPE, f, "id", bytes, 16))


@dataclass(frozen=True, slots=True)
class StatusResult(Frame):
    TYPE = "status_result"
    SENDERS = ("hub",)
    id: bytes
    recipients: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        return {"id": self.id, "recipients": self.recipients}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> StatusResult:
        return cls(_need(cls.TYPE, f, "id", bytes, 16), _need(cls.TYPE, f, "recipients", dict))


@dataclass(frozen=True, slots=True)
class RosterPush(Frame):
    TYPE = "roster"
    SENDERS = ("hub",)
    roster: bytes

    def fields(self) -> dict[str, Any]:
        return {"roster": self.roster}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> RosterPush:
        return cls(_need(cls.TYPE, f, "roster", bytes))


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
        return cls(_need(cls.TYPE, f, "checkpoint", bytes))


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
        return cls(_need(cls.TYPE, f, "cosignature", bytes))


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
        size = _need(cls.TYPE, f, "size", int)
        raw = _need(cls.TYPE, f, "indexes", list)
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
        size = _need(cls.TYPE, f, "size", int)
        raw = _need(cls.TYPE, f, "proofs", list)
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
        a, b = _need(cls.TYPE, f, "from", int), _need(cls.TYPE, f, "to", int)
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
        proof = _need(t, f, "proof", list)
        if not all(isinstance(h, bytes) and len(h) == 32 for h in proof):
            raise SchemaError("consistency_proof.proof: 32-byte hashes", field="proof")
        return cls(_need(t, f, "from", int), _need(t, f, "to", int), tuple(proof))


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
        return cls(_need(cls.TYPE, f, "first", bytes), _need(cls.TYPE, f, "second", bytes))


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
        return cls(_need(t, f, "code", str), _need(t, f, "message", str), _need(t, f, "at_ms", int))


@dataclass(frozen=True, slots=True)
class Error(Frame):
    """A refusal or failure; ``ref`` names the message id it answers (a submit's ``id``)."""

    TYPE = "error"
    SENDERS = ("hub",)
    code: str
    message: str
    ref: bytes | None = None
    field: str | None = None

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.ref is not None:
            out["ref"] = self.ref
        if self.field is not None:
            out["field"] = self.field
        return out

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Error:
        t = cls.TYPE
        ref = f.get("ref")
        return cls(
            _need(t, f, "code", str),
            _need(t, f, "message", str),
            ref if isinstance(ref, bytes) and len(ref) == 16 else None,
            f.get("field") if isinstance(f.get("field"), str) else None,
        )

    @classmethod
    def of(cls, exc: ProtocolError, ref: bytes | None = None) -> Error:
        return cls(exc.code, exc.message, ref, exc.field)

    def error(self) -> ProtocolError:
        """The typed error the peer sent."""
        return error_for_code(self.code, self.message, self.field)


@dataclass(frozen=True, slots=True)
class Bye(Frame):
    TYPE = "bye"
    SENDERS = ("hub", "client")

    def fields(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Bye:
        return cls()


_CLASSES: Final[tuple[type[Frame], ...]] = (
    Challenge,
    Auth,
    Welcome,
    Submit,
    Accepted,
    Deliver,
    Ack,
    ReceiptSubmit,
    Status,
    StatusResult,
    RosterPush,
    CheckpointPush,
    Cosign,
    Prove,
    Proofs,
    Consistency,
    ConsistencyProof,
    ForkProof,
    Alert,
    Error,
    Bye,
)
#: frame type → class (docs/protocol.md §8.1)
FRAME_TYPES: Final[dict[str, type[Frame]]] = {c.TYPE: c for c in _CLASSES}


def decode_frame(data: bytes, *, max_size: int = MAX_FRAME, max_containers: int = 8) -> Frame:
    """Parse one frame. ``max_containers`` bounds the arrays and maps built (§2.3).

    Raises:
        LimitExceeded: over ``max_size`` (checked before decoding) or the container budget.
        DecodeError: not a frame (not ``[type, {fields}]``, unknown type).
        SchemaError: a required field is missing or mistyped (``field`` names it).
    """
    obj = unpack(data, max_size=max_size, max_containers=max_containers)
    if not (
        isinstance(obj, list)
        and len(obj) == 2
        and isinstance(obj[0], str)
        and isinstance(obj[1], dict)
    ):
        raise DecodeError("a frame is [type, {fields}]")
    cls = FRAME_TYPES.get(obj[0])
    if cls is None:
        raise DecodeError(f"unknown frame type {_excerpt(obj[0])}")
    return cls.from_fields(obj[1])
