"""The handshake frames and the two that end or answer anything: error, bye (§8.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import ProtocolError, error_for_code
from .base import Frame, maybe, need

__all__ = ["Auth", "Bye", "Challenge", "Error", "Welcome"]


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
            need(t, f, "hub", str),
            need(t, f, "conn", bytes, 16),
            need(t, f, "nonce", bytes, 32),
            need(t, f, "at_ms", int),
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
            need(t, f, "device", str),
            need(t, f, "at_ms", int),
            need(t, f, "signature", bytes, 64),
            maybe(t, f, "roster_version", int, 0),
            maybe(t, f, "checkpoint_size", int, 0),
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
            need(t, f, "device", str), need(t, f, "roster_version", int), need(t, f, "hub", str)
        )


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
            need(t, f, "code", str),
            need(t, f, "message", str),
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
