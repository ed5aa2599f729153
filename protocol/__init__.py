"""``hotline.protocol``: the sans-I/O core of CBM Hotline.

Pure data types, canonical encoding, signatures, sealing, the CBM catalogue,
policy, roster and the session state machine. No sockets, no Redis, no
clock reads: time and randomness come in as parameters. See docs/protocol.md.
"""

from __future__ import annotations

from .auth import auth_payload
from .catalogue import decode_body, default_precedence, encode_body, validate_body
from .codec import pack, unpack
from .constants import MAX_FRAME, PRECEDENCES, URGENT_PRECEDENCES, WIRE_VERSION
from .envelope import FAMILIES, Envelope
from .errors import (
    AuthError,
    ClockSkew,
    DecodeError,
    DecryptionError,
    ExpiredKey,
    FamilyNotAllowed,
    KeyError_,
    LimitExceeded,
    PolicyError,
    ProtocolError,
    RecipientError,
    ReplayError,
    RevokedKey,
    RosterError,
    RosterRollback,
    SchemaError,
    SenderMismatch,
    SignatureError,
    StateError,
    Unavailable,
    WrongRole,
    error_for_code,
)
from .frames import Frame
from .ids import id_text, new_message_id, parse_id_text
from .keys import EncryptionPrivateKey, EncryptionPublicKey, SigningKey, VerifyKey, seed_length
from .policy import Notification, Policy, Verdict, evaluate, load_preset
from .receipts import RECEIPT_KINDS, Receipt
from .roster import Roster, RosterDevice, RosterParty, verify_transition
from .sealing import SEAL_RANDOM_BYTES, open_sealed, seal

__all__ = [
    "FAMILIES",
    "MAX_FRAME",
    "PRECEDENCES",
    "RECEIPT_KINDS",
    "SEAL_RANDOM_BYTES",
    "URGENT_PRECEDENCES",
    "WIRE_VERSION",
    "AuthError",
    "ClockSkew",
    "DecodeError",
    "DecryptionError",
    "EncryptionPrivateKey",
    "EncryptionPublicKey",
    "Envelope",
    "ExpiredKey",
    "FamilyNotAllowed",
    "Frame",
    "KeyError_",
    "LimitExceeded",
    "Notification",
    "Policy",
    "PolicyError",
    "ProtocolError",
    "Receipt",
    "RecipientError",
    "ReplayError",
    "RevokedKey",
    "Roster",
    "RosterDevice",
    "RosterError",
    "RosterParty",
    "RosterRollback",
    "SchemaError",
    "SenderMismatch",
    "SignatureError",
    "SigningKey",
    "StateError",
    "Unavailable",
    "Verdict",
    "VerifyKey",
    "WrongRole",
    "auth_payload",
    "decode_body",
    "default_precedence",
    "encode_body",
    "error_for_code",
    "evaluate",
    "id_text",
    "load_preset",
    "new_message_id",
    "open_sealed",
    "pack",
    "parse_id_text",
    "seal",
    "seed_length",
    "unpack",
    "validate_body",
    "verify_transition",
]
