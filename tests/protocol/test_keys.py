"""Ed25519 key strictness (docs/protocol.md §3.4)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from hotline.protocol import SigningKey, VerifyKey
from hotline.protocol.errors import DecodeError, SignatureError

P = (1 << 255) - 19
ORDER8 = bytes.fromhex("26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05")
IDENTITY = (1).to_bytes(32, "little")
#: every encoding of a small-order point, and non-canonical encodings (y >= p)
WEAK = [
    IDENTITY,
    (P - 1).to_bytes(32, "little"),  # order 2
    bytes(32),  # order 4 (y = 0)
    bytes(31) + b"\x80",  # order 4, the other x
    ORDER8,
    ORDER8[:31] + bytes([ORDER8[31] | 0x80]),
    (P - int.from_bytes(ORDER8, "little")).to_bytes(32, "little"),
    (P + 1).to_bytes(32, "little"),  # the identity again, non-canonically
    (P + 18).to_bytes(32, "little"),
    b"\xff" * 31 + b"\x7f",
]


def test_openssl_alone_accepts_a_universal_forgery_under_the_identity_key() -> None:
    """Why the check exists: the primitive itself does not look at the key."""
    Ed25519PublicKey.from_public_bytes(IDENTITY).verify(IDENTITY + bytes(32), b"any message")


@pytest.mark.parametrize("raw", WEAK, ids=lambda r: r.hex()[:8])
def test_small_order_and_non_canonical_keys_are_refused(raw: bytes) -> None:
    with pytest.raises(DecodeError):
        VerifyKey(raw)


def test_a_real_key_is_accepted_and_s_must_be_reduced() -> None:
    key = SigningKey(b"\x07" * 32)
    sig = key.sign(b"m")
    key.verify_key.verify(sig, b"m")
    L = 2**252 + 27742317777372353535851937790883648493
    s_plus_l = (int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little")
    with pytest.raises(SignatureError):
        key.verify_key.verify(sig[:32] + s_plus_l, b"m")
