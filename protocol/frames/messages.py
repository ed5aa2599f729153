"""Messages and their answers: submit, accepted, deliver, ack, receipts, status (§8.3)."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, Final

import msgpack

from ..codec import INT_MAX
from ..errors import LimitExceeded, SchemaError
from .base import ACK_MAX, Frame, excerpt, is_delivery_id, need

__all__ = ["Accepted", "Ack", "Deliver", "ReceiptSubmit", "Status", "StatusResult", "Submit"]


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
        return cls(need(cls.TYPE, f, "id", bytes, 16), need(cls.TYPE, f, "envelope", bytes))


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
            need(t, f, "id", bytes, 16),
            need(t, f, "position", str),
            need(t, f, "duplicate", bool),
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

    def encode(self) -> bytes:
        """The canonical bytes of :meth:`Frame.encode`, spliced from fixed parts.

        Why: the hub encodes one deliver frame per device, and the entry (a whole sealed
        envelope, 19 KB for 15 post-quantum wraps, 200 KB at the OSCE's size) is the same
        for every one. The generic path walks the map and packs the entry into a buffer,
        then copies it out; here the entry is copied once, into the frame. The keys are
        written in canonical (sorted) order: delivery < entry < index < urgent. Anything
        unusual (a value of another type, an index out of range) takes the generic path,
        which raises what it always raised.
        """
        d, e, i, u = self.delivery, self.entry, self.index, self.urgent
        if type(d) is not str or type(e) is not bytes or type(i) is not int or type(u) is not bool:
            return Frame.encode(self)
        did = d.encode("utf-8", "surrogatepass") if d.isascii() else b""
        if not did or len(did) > 0xFF or not 0 <= i <= INT_MAX:
            return Frame.encode(self)
        return b"".join(
            (
                _DELIVER_URGENT if u else _DELIVER,
                _str_head(len(did)),
                did,
                _ENTRY_KEY,
                _bin_head(len(e)),
                e,
                _INDEX_KEY,
                _uint(i),
                _URGENT_TRUE if u else b"",
            )
        )

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Deliver:
        t = cls.TYPE
        d = need(t, f, "delivery", str)
        if not is_delivery_id(d):
            raise SchemaError("deliver.delivery: not a delivery id", field="delivery")
        return cls(d, need(t, f, "entry", bytes), need(t, f, "index", int), f.get("urgent") is True)


# The smallest msgpack forms, as codec.pack writes them (msgpack-spec "str", "bin", "uint").
def _str_head(n: int) -> bytes:  # n < 256
    return bytes((0xA0 | n,)) if n < 32 else bytes((0xD9, n))


def _bin_head(n: int) -> bytes:
    if n < 0x100:
        return bytes((0xC4, n))
    return struct.pack(">BH", 0xC5, n) if n < 0x10000 else struct.pack(">BI", 0xC6, n)


def _uint(i: int) -> bytes:  # 0 <= i <= INT_MAX
    if i < 0x80:
        return bytes((i,))
    if i < 0x100:
        return bytes((0xCC, i))
    if i < 0x10000:
        return struct.pack(">BH", 0xCD, i)
    return struct.pack(">BI", 0xCE, i) if i < 0x100000000 else struct.pack(">BQ", 0xCF, i)


def _pack(v: Any) -> bytes:
    out: bytes = msgpack.packb(v, use_bin_type=True)
    return out


# [ "deliver", {3 or 4 keys: "delivery": ...
_DELIVER: Final = b"\x92" + _pack("deliver") + b"\x83" + _pack("delivery")
_DELIVER_URGENT: Final = b"\x92" + _pack("deliver") + b"\x84" + _pack("delivery")
_ENTRY_KEY: Final = _pack("entry")
_INDEX_KEY: Final = _pack("index")
_URGENT_TRUE: Final = _pack("urgent") + _pack(True)


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
        bad = tuple(excerpt(d) for d in raw if not is_delivery_id(d))
        return cls(good, bad)


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
        return cls(need(cls.TYPE, f, "receipt", bytes))


@dataclass(frozen=True, slots=True)
class Status(Frame):
    TYPE = "status"
    SENDERS = ("client",)
    id: bytes

    def fields(self) -> dict[str, Any]:
        return {"id": self.id}

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Status:
        return cls(need(cls.TYPE, f, "id", bytes, 16))


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
        return cls(need(cls.TYPE, f, "id", bytes, 16), need(cls.TYPE, f, "recipients", dict))
