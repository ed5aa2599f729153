"""Messages and their answers: submit, accepted, deliver, ack, receipts, status (§8.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    @classmethod
    def from_fields(cls, f: dict[str, Any]) -> Deliver:
        t = cls.TYPE
        d = need(t, f, "delivery", str)
        if not is_delivery_id(d):
            raise SchemaError("deliver.delivery: not a delivery id", field="delivery")
        return cls(d, need(t, f, "entry", bytes), need(t, f, "index", int), f.get("urgent") is True)


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
