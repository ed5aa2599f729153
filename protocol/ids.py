"""Identifiers: time-ordered message ids (UUIDv7) and party/device names.

docs/protocol.md §4.2: a message id is a 16-byte UUIDv7 chosen by the sender:
48-bit Unix ms, version 7, 74 random bits, variant 10. The clock reading and
the random bytes are handed in.
"""

from __future__ import annotations

import re
import uuid
from typing import Final

from .errors import SchemaError

__all__ = [
    "DEVICE_RE",
    "PARTY_RE",
    "check_device_id",
    "check_message_id",
    "check_party",
    "id_ms",
    "id_text",
    "new_message_id",
    "parse_id_text",
    "split_device_id",
]

PARTY_RE: Final = re.compile(r"[A-Z][A-Z0-9]{1,7}")
DEVICE_RE: Final = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


def new_message_id(now_ms: int, rand: bytes) -> bytes:
    """Build a UUIDv7 from a ms timestamp and 10 random bytes."""
    if not 0 <= now_ms < 1 << 48:
        raise SchemaError("timestamp out of range for UUIDv7", field="id")
    if len(rand) != 10:
        raise SchemaError("UUIDv7 needs 10 random bytes", field="id")
    b = bytearray(now_ms.to_bytes(6, "big") + rand)
    b[6] = 0x70 | (b[6] & 0x0F)
    b[8] = 0x80 | (b[8] & 0x3F)
    return bytes(b)


def check_message_id(value: object, field: str = "id") -> bytes:
    """Return ``value`` if it is a 16-byte UUIDv7, else raise SchemaError."""
    if not isinstance(value, bytes) or len(value) != 16:
        raise SchemaError(f"{field}: must be 16 bytes", field=field)
    if value[6] >> 4 != 7 or value[8] >> 6 != 0b10:
        raise SchemaError(f"{field}: must be a UUIDv7", field=field)
    return value


def id_text(mid: bytes) -> str:
    """The canonical text form (lower-case hyphenated UUID)."""
    return str(uuid.UUID(bytes=mid))


def parse_id_text(text: str) -> bytes:
    """Parse the text form back to 16 bytes."""
    try:
        return check_message_id(uuid.UUID(text).bytes)
    except ValueError as exc:
        shown = repr(text[:40]) + ("..." if len(text) > 40 else "")  # never echo much input
        raise SchemaError(f"id: {shown} is not a UUID", field="id") from exc


def id_ms(mid: bytes) -> int:
    """The sender's clock reading embedded in a UUIDv7."""
    return int.from_bytes(mid[:6], "big")


def check_party(value: object, field: str = "party") -> str:
    """Party codes are 2-8 upper-case letters/digits (AL, RS, AUDIT, HUB)."""
    if not isinstance(value, str) or not PARTY_RE.fullmatch(value):
        raise SchemaError(f"{field}: must be a party code like 'RS'", field=field)
    return value


def check_device_id(value: object, field: str = "device") -> str:
    """Device ids are ``PARTY/name``, e.g. ``RS/officer-1``."""
    if not isinstance(value, str) or "/" not in value:
        raise SchemaError(f"{field}: must look like 'RS/officer-1'", field=field)
    party, _, name = value.partition("/")
    check_party(party, field)
    if not DEVICE_RE.fullmatch(name):
        raise SchemaError(f"{field}: device name must be lower-case a-z, 0-9, '-'", field=field)
    return value


def split_device_id(device_id: str) -> tuple[str, str]:
    """``'RS/officer-1'`` → ``('RS', 'officer-1')``."""
    party, _, name = check_device_id(device_id).partition("/")
    return party, name
