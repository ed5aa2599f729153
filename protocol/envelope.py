"""The envelope: routing header + sealed body + sender signature.

docs/protocol.md §4: an envelope is a msgpack array of 16 elements in this
fixed order. Elements 0-13 are the *header* (visible to the hub, bound into
the body's AEAD as the header digest), 14 is the sealed body, 15 the Ed25519
signature of the sending device over ``DOMAIN_ENVELOPE ‖ pack(header + [ciphertext])``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
from typing import Any

from .catalogue import FAMILY_MODULES
from .codec import pack, unpack
from .constants import (
    DOMAIN_ENVELOPE,
    DOMAIN_HEADER,
    MAX_ENVELOPE,
    MAX_RECIPIENTS,
    PRECEDENCES,
    WIRE_VERSION,
)
from .errors import DecodeError, LimitExceeded, SchemaError
from .ids import check_device_id, check_message_id, check_party
from .keys import SUITES, SigningKey, VerifyKey
from .signing import sign, verify

__all__ = ["FAMILIES", "Envelope"]

#: every family identifier that may appear on the wire (docs/protocol.md §5): the
#: catalogue's families, so a family is on the wire exactly when it has a schema
FAMILIES: tuple[str, ...] = tuple(FAMILY_MODULES)

_MAX_INT = (1 << 63) - 1


@dataclass(frozen=True, slots=True)
class Envelope:
    """One notification on the wire.

    ``device`` is the full device id (``"RS/officer-1"``); ``sender`` is its
    party. ``recipients`` is the explicit, sorted list of recipient parties.
    """

    version: int
    id: bytes
    sender: str
    device: str
    recipients: tuple[str, ...]
    family: str
    precedence: str
    exercise: bool
    created_ms: int
    in_reply_to: bytes | None
    supersedes: bytes | None
    seq: int
    roster_version: int
    suite: str
    ciphertext: bytes = b""
    signature: bytes = b""
    #: the canonical bytes this envelope was decoded from (set by ``decode`` only)
    _raw: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.validate()

    # -- validation --------------------------------------------------------
    def validate(self) -> None:
        """Check every field's type and range; raise SchemaError naming it."""
        if self.version != WIRE_VERSION:
            raise SchemaError(f"version: unsupported {self.version!r}", field="version")
        check_message_id(self.id)
        check_party(self.sender, "sender")
        check_device_id(self.device, "device")
        if self.device.partition("/")[0] != self.sender:
            raise SchemaError("device: must belong to the sender party", field="device")
        if not isinstance(self.recipients, tuple) or not self.recipients:
            raise SchemaError("recipients: must be a non-empty list", field="recipients")
        if len(self.recipients) > MAX_RECIPIENTS:
            raise LimitExceeded(f"recipients: more than {MAX_RECIPIENTS}")
        for r in self.recipients:
            check_party(r, "recipients")
        if list(self.recipients) != sorted(set(self.recipients)):
            raise SchemaError("recipients: must be sorted and unique", field="recipients")
        if self.sender in self.recipients:
            raise SchemaError("recipients: must not include the sender", field="recipients")
        if self.family not in FAMILIES:
            raise SchemaError(f"family: unknown {self.family!r}", field="family")
        if self.precedence not in PRECEDENCES:
            raise SchemaError(f"precedence: must be one of {PRECEDENCES}", field="precedence")
        if not isinstance(self.exercise, bool):
            raise SchemaError("exercise: must be a boolean", field="exercise")
        for name in ("created_ms", "seq", "roster_version"):
            v = getattr(self, name)
            if type(v) is not int or not 0 <= v <= _MAX_INT:
                raise SchemaError(f"{name}: must be a non-negative integer", field=name)
        for name in ("in_reply_to", "supersedes"):
            v = getattr(self, name)
            if v is not None:
                check_message_id(v, name)
        if self.suite not in SUITES:
            raise SchemaError(f"suite: must be one of {SUITES}", field="suite")
        if not isinstance(self.ciphertext, bytes):
            raise SchemaError("ciphertext: must be bytes", field="ciphertext")
        if not isinstance(self.signature, bytes) or len(self.signature) not in (0, 64):
            raise SchemaError("signature: must be 64 bytes", field="signature")

    # -- encoding ----------------------------------------------------------
    def header(self) -> list[Any]:
        """The 14 header elements in wire order."""
        return [
            getattr(self, f.name) if f.name != "recipients" else list(self.recipients)
            for f in fields(self)[:14]
        ]

    def header_digest(self) -> bytes:
        """SHA-256 of the domain-separated header: the body's associated data."""
        return hashlib.sha256(DOMAIN_HEADER + pack(self.header())).digest()

    def signed_payload(self) -> list[Any]:
        """What the sender's signature covers (after the domain string)."""
        return [*self.header(), self.ciphertext]

    def encode(self) -> bytes:
        """Canonical bytes of the whole envelope."""
        return pack([*self.header(), self.ciphertext, self.signature])

    @classmethod
    def decode(cls, data: bytes, *, max_size: int = MAX_ENVELOPE) -> Envelope:
        """Parse and validate an envelope. Raises only ProtocolError subclasses."""
        # two containers: the envelope's array and its recipients (docs/protocol.md §2.3)
        obj = unpack(data, max_size=max_size, max_containers=2, canonical=False)
        if not isinstance(obj, list) or len(obj) != 16:
            raise DecodeError("an envelope is an array of 16 elements")
        if not isinstance(obj[4], list):
            raise SchemaError("recipients: must be a list", field="recipients")
        obj[4] = tuple(obj[4])
        env = cls(*obj)
        raw = bytes(data)
        if env.encode() != raw:
            # Why: signatures cover canonical bytes; a non-canonical encoding of
            # the same values would let two byte strings share one identity.
            raise DecodeError("envelope is not canonically encoded")
        object.__setattr__(env, "_raw", raw)  # frozen: only decode sets it
        return env

    # -- signatures --------------------------------------------------------
    def signed(self, key: SigningKey) -> Envelope:
        """A copy carrying the device's signature."""
        return replace(self, signature=sign(key, DOMAIN_ENVELOPE, self.signed_payload()))

    def verify(self, key: VerifyKey) -> None:
        """Raise SignatureError unless signed by ``key``."""
        signed = self._signed_bytes()
        if signed is None:
            verify(key, self.signature, DOMAIN_ENVELOPE, self.signed_payload())
        else:
            key.verify(self.signature, signed)

    def _signed_bytes(self) -> bytes | None:
        """DOMAIN_ENVELOPE ‖ pack(signed_payload), cut out of the bytes :meth:`decode` took.

        Why: packing the 15 signed fields again copied the whole ciphertext (7-19 KB)
        on every verify, for the hub, every recipient and the auditor. Only bytes that
        ``decode`` proved canonical are kept (``replace`` makes an envelope without
        them), so they are exactly ``encode()``: a 16-element array (array16 header,
        3 bytes) ending in the signature, whose first 15 elements are the signed
        fixarray's (header 0x9f) element bytes.
        """
        raw = self._raw
        if raw is None:
            return None
        tail = len(pack(self.signature))
        return DOMAIN_ENVELOPE + b"\x9f" + raw[3 : len(raw) - tail]

    @property
    def id_hex(self) -> str:
        return self.id.hex()
