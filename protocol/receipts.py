"""Receipts: a recipient device's signed statement about one message.

docs/protocol.md §6: ``[version, message_id, device, kind, at_ms, signature]``;
the signature covers ``DOMAIN_RECEIPT ‖ pack(first five elements)``. Kinds
rise in order: delivered < read < acknowledged (an officer's signed note that
the party has taken note).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Final

from .codec import pack, unpack
from .constants import DOMAIN_RECEIPT, WIRE_VERSION
from .errors import DecodeError, SchemaError
from .ids import check_device_id, check_message_id
from .keys import SigningKey, VerifyKey
from .signing import sign, verify

__all__ = ["RECEIPT_KINDS", "Receipt"]

RECEIPT_KINDS: Final = ("delivered", "read", "acknowledged")


@dataclass(frozen=True, slots=True)
class Receipt:
    """A signed delivered / read / acknowledged statement."""

    version: int
    message_id: bytes
    device: str
    kind: str
    at_ms: int
    signature: bytes = b""

    def __post_init__(self) -> None:
        if self.version != WIRE_VERSION:
            raise SchemaError("version: unsupported", field="version")
        check_message_id(self.message_id, "message_id")
        check_device_id(self.device, "device")
        if self.kind not in RECEIPT_KINDS:
            raise SchemaError(f"kind: must be one of {RECEIPT_KINDS}", field="kind")
        if type(self.at_ms) is not int or self.at_ms < 0:
            raise SchemaError("at_ms: must be a non-negative integer", field="at_ms")
        if not isinstance(self.signature, bytes) or len(self.signature) not in (0, 64):
            raise SchemaError("signature: must be 64 bytes", field="signature")

    @property
    def party(self) -> str:
        return self.device.partition("/")[0]

    @property
    def rank(self) -> int:
        """Position in delivered < read < acknowledged."""
        return RECEIPT_KINDS.index(self.kind)

    def payload(self) -> list[Any]:
        return [self.version, self.message_id, self.device, self.kind, self.at_ms]

    def signed(self, key: SigningKey) -> Receipt:
        return replace(self, signature=sign(key, DOMAIN_RECEIPT, self.payload()))

    def verify(self, key: VerifyKey) -> None:
        verify(key, self.signature, DOMAIN_RECEIPT, self.payload())

    def encode(self) -> bytes:
        return pack([*self.payload(), self.signature])

    @classmethod
    def decode(cls, data: bytes) -> Receipt:
        obj = unpack(data, max_size=4096, max_containers=1, canonical=False)
        if not isinstance(obj, list) or len(obj) != 6:
            raise DecodeError("a receipt is an array of 6 elements")
        r = cls(*obj)
        if r.encode() != bytes(data):
            raise DecodeError("receipt is not canonically encoded")
        return r
