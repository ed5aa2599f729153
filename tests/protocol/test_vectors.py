"""Golden vectors (tests/vectors/vectors.json): exact bytes another implementation must match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotline.protocol import (
    EncryptionPrivateKey,
    Envelope,
    Receipt,
    Roster,
    SigningKey,
    auth_payload,
    decode_body,
    encode_body,
    open_sealed,
    verify_transition,
)
from tests.factories import T0

VECTORS = json.loads((Path(__file__).parents[1] / "vectors" / "vectors.json").read_text())


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: v["suite"])
def test_vector(v: dict[str, str]) -> None:
    raw = bytes.fromhex(v["envelope"])
    env = Envelope.decode(raw)
    assert env.encode() == raw
    assert env.header_digest().hex() == v["header_digest"]
    # Ed25519 is deterministic: re-signing the decoded envelope gives the exact signature
    key = SigningKey(bytes.fromhex(v["sender_sign_seed"]))
    assert key.verify_key.raw.hex() == v["sender_verify_key"]
    assert env.signed(key).signature.hex() == v["signature"]
    env.verify(key.verify_key)
    # decrypt-only sealing vector
    priv = EncryptionPrivateKey(env.suite, bytes.fromhex(v["recipient_enc_private"]))  # type: ignore[arg-type]
    assert priv.public.raw.hex() == v["recipient_enc_public"]
    body = open_sealed(env.ciphertext, env.header_digest(), v["recipient_device"], priv)
    assert body.hex() == v["body_bytes"] == encode_body("hotline_message", v["body"]).hex()
    assert decode_body(env.family, body) == v["body"]
    # receipt and roster
    rcpt = Receipt.decode(bytes.fromhex(v["receipt"]))
    rkey = SigningKey(bytes.fromhex(v["recipient_sign_seed"]))
    rcpt.verify(rkey.verify_key)
    assert rcpt.signed(rkey).encode().hex() == v["receipt"]
    roster = Roster.decode(bytes.fromhex(v["roster"]))
    assert roster.hash().hex() == v["roster_hash"]
    verify_transition(None, roster, T0)
    assert (
        auth_payload("HUB/hub-1", b"\x01" * 16, b"\x02" * 32, "RS/officer-1", T0).hex()
        == v["auth_payload"]
    )
