"""Log events: what the hub records, in the order it records them.

docs/protocol.md §9: every log entry is the canonical msgpack array
``[type, at_ms, hub_device, payload, extra]``. ``payload`` carries the signed
object itself (envelope or receipt bytes, roster bytes) so an auditor can
verify it without trusting the hub; ``extra`` holds routing and error facts.
The Merkle leaf of an entry is computed over exactly these bytes.

Every event is signed by the hub that wrote it: ``extra["sig"]`` is an Ed25519
signature by the hub device over ``DOMAIN_EVENT ‖ pack([type, at_ms, hub,
payload, extra without "sig"])``. Why: the log lives in Redis, which an operator
(or anyone who reaches it) can write to; a signature tells the hub's own entries
from foreign ones, for the hub's checkpointer and for every auditor. The
``at_ms`` of an ``accepted`` or ``receipt`` event is the hub's accept time: the
time every deadline and lateness is measured from (never the sender's clock).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Final

from .codec import pack, unpack
from .constants import DOMAIN_EVENT
from .errors import DecodeError, SignatureError, UnsignedEvent
from .keys import SigningKey, VerifyKey
from .signing import sign, verify

__all__ = ["EVENT_TYPES", "HUB_SIG", "MESSAGE_EVENTS", "LogEvent"]

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
    "fork_proof",
    "alert",
)
#: events whose payload is a device-signed object (envelope, receipt)
MESSAGE_EVENTS: Final = frozenset({"accepted", "receipt"})
#: the key of the hub's signature in ``extra``
HUB_SIG: Final = "sig"
#: a log entry is read with the frame limit (an envelope plus a few fields)
_MAX_EVENT: Final = (1 << 20) + 4096


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
        """Parse one entry. Raises DecodeError (or LimitExceeded)."""
        obj = unpack(data, max_size=_MAX_EVENT)
        if not (isinstance(obj, list) and len(obj) == 5):
            raise DecodeError("a log event is [type, at_ms, hub, payload, extra]")
        t, at, hub, payload, extra = obj
        if t not in EVENT_TYPES or type(at) is not int or not isinstance(hub, str):
            raise DecodeError("log event: bad type, time or hub")
        if not isinstance(payload, bytes) or not isinstance(extra, dict):
            raise DecodeError("log event: bad payload or extra")
        return cls(t, at, hub, payload, extra)

    # -- the hub's signature (docs/protocol.md §9.1) ---------------------------
    def signed_payload(self) -> list[Any]:
        """What the hub's signature covers (after the domain string)."""
        rest = {k: v for k, v in self.extra.items() if k != HUB_SIG}
        return [self.type, self.at_ms, self.hub, self.payload, rest]

    def signed(self, key: SigningKey) -> LogEvent:
        """A copy carrying the hub's signature in ``extra["sig"]``."""
        rest = {k: v for k, v in self.extra.items() if k != HUB_SIG}
        unsigned = replace(self, extra=rest)
        sig = sign(key, DOMAIN_EVENT, unsigned.signed_payload())
        return replace(self, extra={**rest, HUB_SIG: sig})

    @property
    def signature(self) -> bytes | None:
        sig = self.extra.get(HUB_SIG)
        return sig if isinstance(sig, bytes) else None

    def verify(self, key: VerifyKey) -> None:
        """Raise UnsignedEvent unless the hub's signature covers this event."""
        sig = self.signature
        if sig is None:
            raise UnsignedEvent(f"{self.type} event at {self.at_ms} carries no hub signature")
        try:
            verify(key, sig, DOMAIN_EVENT, self.signed_payload())
        except SignatureError as exc:
            raise UnsignedEvent(
                f"{self.type} event at {self.at_ms}: the hub signature does not verify"
            ) from exc

    @property
    def roster_version(self) -> int | None:
        """The roster version the hub applied when it accepted the payload."""
        rv = self.extra.get("rv")
        return rv if type(rv) is int else None
