"""Log events: what the hub records, in the order it records them.

docs/protocol.md §9: every log entry is the canonical msgpack array
``[type, at_ms, hub_device, payload, extra]``. ``payload`` carries the signed
object itself (envelope or receipt bytes, roster bytes) so an auditor can
verify it without trusting the hub; ``extra`` holds routing and error facts.
The Merkle leaf of an entry is computed over exactly these bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from .codec import pack, unpack
from .errors import DecodeError

__all__ = ["EVENT_TYPES", "LogEvent"]

EVENT_TYPES: Final = (
    "accepted",
    "receipt",
    "rejected",
    "roster",
    "hub_start",
    "hub_stop",
    "export",
    "dead_letter",
    "checkpoint",
)


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One log entry."""

    type: str
    at_ms: int
    hub: str
    payload: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        return pack([self.type, self.at_ms, self.hub, self.payload, self.extra])

    @classmethod
    def decode(cls, data: bytes) -> LogEvent:
        obj = unpack(data)
        if not (isinstance(obj, list) and len(obj) == 5):
            raise DecodeError("a log event is [type, at_ms, hub, payload, extra]")
        t, at, hub, payload, extra = obj
        if t not in EVENT_TYPES or type(at) is not int or not isinstance(hub, str):
            raise DecodeError("log event: bad type, time or hub")
        if not isinstance(payload, bytes) or not isinstance(extra, dict):
            raise DecodeError("log event: bad payload or extra")
        return cls(t, at, hub, payload, extra)
