"""Key material: Ed25519 signing keys and HPKE encryption keys per suite.

Keys travel as raw bytes (docs/protocol.md §3.1):

- signing: Ed25519, 32-byte seed (private) / 32-byte public key;
- ``pq`` suite: ML-KEM-768 64-byte seed ‖ X25519 32-byte private key (96 bytes),
  public key ML-KEM-768 encapsulation key (1184) ‖ X25519 public key (32);
- ``classic`` suite: X25519 32-byte private / 32-byte public.

Randomness for new keys comes in as a parameter (``seed``) so this module
never reads a system source it was not handed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .errors import DecodeError, SignatureError

__all__ = [
    "SUITES",
    "EncryptionPrivateKey",
    "EncryptionPublicKey",
    "SigningKey",
    "Suite",
    "VerifyKey",
    "seed_length",
    "verify_key_for",
]

Suite = Literal["pq", "classic"]
SUITES: Final[tuple[Suite, ...]] = ("pq", "classic")

_MLKEM_SEED = 64
_MLKEM_PUB = 1184
_X25519 = 32

# docs/protocol.md §3.4. Why: OpenSSL (behind `cryptography`) verifies Ed25519 with the
# cofactorless equation and does not look at the public key. For a key of small order
# a signature (R = identity, S = 0) verifies for every message (order 1) or for one
# message in eight (order 8): anyone could "sign" for such a device. So keys must be
# canonical encodings (y < p) of points outside the small-order subgroup: the y
# coordinates of its eight points are 0, 1, p - 1 and ±y8.
_P25519 = (1 << 255) - 19
_Y8 = 0x5FC536D880238B13933C6D305ACDFD5F098EFF289F4C345B027B2C28F95E826
_SMALL_ORDER_Y = frozenset({0, 1, _P25519 - 1, _Y8, _P25519 - _Y8})


def _weak_ed25519_key(raw: bytes) -> bool:
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    return y >= _P25519 or y in _SMALL_ORDER_Y


class VerifyKey:
    """An Ed25519 public key."""

    __slots__ = ("_key", "raw")

    def __init__(self, raw: bytes) -> None:
        if not isinstance(raw, bytes) or len(raw) != 32:
            raise DecodeError("an Ed25519 public key is 32 bytes")
        if _weak_ed25519_key(raw):
            raise DecodeError("an Ed25519 public key must be canonical and not of small order")
        self.raw = raw
        self._key = Ed25519PublicKey.from_public_bytes(raw)

    def verify(self, signature: bytes, message: bytes) -> None:
        """Raise :class:`SignatureError` unless ``signature`` is valid over ``message``."""
        if not isinstance(signature, bytes) or len(signature) != 64:
            raise SignatureError("an Ed25519 signature is 64 bytes")
        try:
            self._key.verify(signature, message)
        except InvalidSignature as exc:
            raise SignatureError("signature does not verify") from exc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifyKey) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)


class SigningKey:
    """An Ed25519 private key, built from a 32-byte seed."""

    __slots__ = ("_key", "seed", "verify_key")

    def __init__(self, seed: bytes) -> None:
        if not isinstance(seed, bytes) or len(seed) != 32:
            raise DecodeError("an Ed25519 seed is 32 bytes")
        self.seed = seed
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.verify_key = VerifyKey(self._key.public_key().public_bytes_raw())

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature (deterministic, RFC 8032) over ``message``."""
        return self._key.sign(message)

    def __repr__(self) -> str:  # never print the secret
        return f"SigningKey(public={self.verify_key.raw.hex()[:16]}…)"


# Why a cache: the hub, every recipient and the auditor look a device's key up from the
# roster for every message; parsing it each time was ~1 % of audit verification.
# Public keys are immutable and few.
@functools.lru_cache(maxsize=4096)
def verify_key_for(raw: bytes) -> VerifyKey:
    """The parsed :class:`VerifyKey` for raw public key bytes (cached)."""
    return VerifyKey(raw)


@dataclass(frozen=True, slots=True)
class EncryptionPublicKey:
    """A recipient device's HPKE public key for one suite."""

    suite: Suite
    raw: bytes

    def __post_init__(self) -> None:
        want = _MLKEM_PUB + _X25519 if self.suite == "pq" else _X25519
        if self.suite not in SUITES:
            raise DecodeError(f"unknown suite {self.suite!r}")
        if not isinstance(self.raw, bytes) or len(self.raw) != want:
            raise DecodeError(f"a {self.suite} public key is {want} bytes")

    def hpke_key(self) -> hpke.MLKEM768X25519PublicKey | x25519.X25519PublicKey:
        """The key object ``cryptography``'s HPKE takes."""
        return _hpke_public(self.suite, self.raw)


# Why a cache: every message is sealed to every recipient device, and parsing an
# ML-KEM public key costs about as much as a fifth of the encapsulation itself. Public
# keys are immutable and few (the roster's devices), so their parsed form is kept.
@functools.lru_cache(maxsize=4096)
def _hpke_public(suite: Suite, raw: bytes) -> hpke.MLKEM768X25519PublicKey | x25519.X25519PublicKey:
    try:
        if suite == "pq":
            return hpke.MLKEM768X25519PublicKey(
                mlkem.MLKEM768PublicKey.from_public_bytes(raw[:_MLKEM_PUB]),
                x25519.X25519PublicKey.from_public_bytes(raw[_MLKEM_PUB:]),
            )
        return x25519.X25519PublicKey.from_public_bytes(raw)
    except ValueError as exc:
        raise DecodeError(f"invalid {suite} public key") from exc


class EncryptionPrivateKey:
    """A device's HPKE private key for one suite."""

    __slots__ = ("_hpke", "public", "raw", "suite")

    def __init__(self, suite: Suite, raw: bytes) -> None:
        if suite not in SUITES:
            raise DecodeError(f"unknown suite {suite!r}")
        want = _MLKEM_SEED + _X25519 if suite == "pq" else _X25519
        if not isinstance(raw, bytes) or len(raw) != want:
            raise DecodeError(f"a {suite} private key is {want} bytes")
        self.suite: Suite = suite
        self.raw = raw
        xpriv = x25519.X25519PrivateKey.from_private_bytes(raw[-_X25519:])
        xpub = xpriv.public_key().public_bytes_raw()
        self._hpke: hpke.MLKEM768X25519PrivateKey | x25519.X25519PrivateKey
        if suite == "pq":
            mpriv = mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:_MLKEM_SEED])
            self._hpke = hpke.MLKEM768X25519PrivateKey(mpriv, xpriv)
            mpub = mpriv.public_key().public_bytes_raw()
            self.public = EncryptionPublicKey("pq", mpub + xpub)
        else:
            self._hpke = xpriv
            self.public = EncryptionPublicKey("classic", xpub)

    @classmethod
    def from_seed(cls, suite: Suite, seed: bytes) -> EncryptionPrivateKey:
        """Derive a key from caller-supplied randomness (96 bytes pq, 32 classic)."""
        return cls(suite, seed)

    def hpke_key(self) -> hpke.MLKEM768X25519PrivateKey | x25519.X25519PrivateKey:
        """The key object ``cryptography``'s HPKE takes."""
        return self._hpke

    def __repr__(self) -> str:
        return f"EncryptionPrivateKey({self.suite}, public={self.public.raw[-8:].hex()}…)"


def seed_length(suite: Suite) -> int:
    """Bytes of randomness a new private key of ``suite`` needs."""
    return _MLKEM_SEED + _X25519 if suite == "pq" else _X25519
