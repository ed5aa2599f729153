"""Typed events a HubClient yields to its user (the CLI, a feed, the console)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .store import InboxRow

__all__ = [
    "ConnectionChanged",
    "Event",
    "MessageReceived",
    "ReceiptUpdated",
    "SecurityAlert",
    "SendRejected",
    "SendResult",
]


@dataclass(frozen=True, slots=True)
class MessageReceived:
    """A new message, already verified and decrypted (``message.verified`` says so)."""

    message: InboxRow


@dataclass(frozen=True, slots=True)
class ReceiptUpdated:
    id: str
    device: str
    kind: str


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    state: str  # connecting | connected | reconnecting | refused | closed
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SendRejected:
    id: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class SecurityAlert:
    id: str
    detail: str


Event = MessageReceived | ReceiptUpdated | ConnectionChanged | SendRejected | SecurityAlert


@dataclass(frozen=True, slots=True)
class SendResult:
    id: str
    status: str  # accepted | duplicate | queued | rejected
    position: str | None = None
    code: str | None = None
    message: str | None = None
    verdicts: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.position:
            out["position"] = self.position
        if self.code:
            out |= {"code": self.code, "message": self.message}
        return out
