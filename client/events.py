"""Typed events a HubClient yields to its user (the CLI, a feed, the console)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .i18n.alert_phrases import alert_english, alert_text
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
    detail: str  # in English: logs, the store's text
    code: str = ""  # client/i18n/alert_phrases.py: how it is said to an officer
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, ref: str, code: str, /, **params: Any) -> SecurityAlert:
        return cls(ref, alert_english(code, params), code, params)

    def text(self) -> str:
        """What the officer reads, in the active language."""
        return alert_text(self.code, self.params) if self.code else self.detail


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
