"""Envelope, sealed body, body and receipt cases (docs/protocol.md §3-§6).

Built from the golden vectors in vectors.json, so the sealed bytes (randomised by HPKE)
stay fixed and every case here is reproducible.
"""

from __future__ import annotations

from typing import Any

from hotline.protocol import Envelope, Receipt, SigningKey, pack, unpack
from hotline.protocol.constants import MAX_BIN, MAX_ENVELOPE, MAX_FRAME

from .common import case, compact, err, ok, wire_typed

__all__ = ["envelope_cases", "receipt_cases", "sealed_cases"]

L25519 = 2**252 + 27742317777372353535851937790883648493


def _fields(v: dict[str, Any]) -> list[Any]:
    return list(unpack(bytes.fromhex(v["envelope"])))


def _variant(v: dict[str, Any], index: int, value: Any) -> Any:
    f = _fields(v)
    f[index] = value
    return compact(pack(f))


def _resigned(v: dict[str, Any], index: int, value: Any, seed: str) -> str:
    f = _fields(v)
    f[index] = value
    f[4] = tuple(f[4])
    return Envelope(*f).signed(SigningKey(bytes.fromhex(seed))).encode().hex()


_SCHEMA: list[tuple[str, int, Any]] = [
    ("version-2", 0, 2),
    ("id-not-uuidv7", 1, bytes.fromhex("0190f2a0000040008000000000000000")),
    ("id-15-bytes", 1, b"\x01" * 15),
    ("sender-lower-case", 2, "rs"),
    ("device-of-another-party", 3, "HR/officer-1"),
    ("recipients-unsorted", 4, ["HR", "BA"]),
    ("recipients-include-sender", 4, ["BA", "RS"]),
    ("recipients-empty", 4, []),
    ("recipients-not-a-list", 4, "BA"),
    ("family-unknown", 5, "weather_report"),
    ("precedence-unknown", 6, "URGENT"),
    ("exercise-not-bool", 7, 0),
    ("created-ms-negative", 8, -1),
    ("in-reply-to-not-uuidv7", 9, b"\x00" * 16),
    ("seq-not-int", 11, "1"),
    ("suite-unknown", 13, "rsa"),
    ("ciphertext-str", 14, "x"),
    ("signature-63-bytes", 15, b"\x00" * 63),
]


def _envelope_negatives(v: dict[str, Any]) -> list[tuple[str, str, Any, str]]:
    raw = bytes.fromhex(v["envelope"])
    sig = bytes.fromhex(v["signature"])
    s_plus_l = (int.from_bytes(sig[32:], "little") + L25519).to_bytes(32, "little")
    flipped_ct = bytearray(_fields(v)[14])
    flipped_ct[-1] ^= 1
    return [
        ("not-an-array", "decode_error", pack({"envelope": raw}).hex(), "a map, not an array"),
        ("15-elements", "decode_error", pack(_fields(v)[:15]).hex(), "one element short"),
        ("17-elements", "decode_error", pack([*_fields(v), None]).hex(), "one element more"),
        ("trailing-byte", "decode_error", raw.hex() + "c0", "a byte after the envelope"),
        ("array32-header", "decode_error", "dd00000010" + raw[3:].hex(), "array32 for 16"),
        (
            "recipients-65",
            "limit_exceeded",
            _variant(v, 4, [f"P{i:02}" for i in range(65)]),
            "65 recipient parties",
        ),
        (
            "ciphertext-over-max-bin",
            "limit_exceeded",
            _variant(v, 14, b"\x00" * (MAX_BIN + 1)),
            "a sealed body over 512 KiB (the envelope is over MAX_ENVELOPE too)",
        ),
        ("unsigned", "bad_signature", _variant(v, 15, b""), "an empty signature"),
        (
            "signature-bit-flipped",
            "bad_signature",
            _variant(v, 15, sig[:-1] + bytes([sig[-1] ^ 1])),
            "one bit of S changed",
        ),
        (
            "signature-s-plus-l",
            "bad_signature",
            _variant(v, 15, sig[:32] + s_plus_l),
            "S + L: the same point, a non-reduced scalar",
        ),
        (
            "ciphertext-changed",
            "bad_signature",
            _variant(v, 14, bytes(flipped_ct)),
            "the signature covers the sealed body",
        ),
        (
            "header-changed",
            "bad_signature",
            _variant(v, 11, _fields(v)[11] + 1),
            "seq changed after signing",
        ),
        (
            "signed-by-another-key",
            "bad_signature",
            _resigned(v, 11, _fields(v)[11], v["recipient_sign_seed"]),
            "signed by HR, from RS",
        ),
    ]


def envelope_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    out = []
    for v in vectors:
        s, key = v["suite"], v["sender_verify_key"]
        inp = {"envelope": v["envelope"], "verify_key": key}
        env = Envelope.decode(bytes.fromhex(v["envelope"]))
        out.append(
            case(
                f"envelope/{s}/ok",
                "envelope.decode_verify",
                "the golden envelope",
                inp,
                ok(
                    message_id=env.id.hex(),
                    device=env.device,
                    family=env.family,
                    header_digest=v["header_digest"],
                ),
            )
        )
        out.append(
            case(
                f"envelope/{s}/sign",
                "envelope.sign",
                "Ed25519 is deterministic: re-signing gives the same bytes",
                {"envelope": v["envelope"], "sign_seed": v["sender_sign_seed"]},
                ok(envelope=v["envelope"]),
            )
        )
        out.append(
            case(
                f"envelope/{s}/wrong-verify-key",
                "envelope.decode_verify",
                "verified with the recipient's key",
                {
                    **inp,
                    "verify_key": SigningKey(
                        bytes.fromhex(v["recipient_sign_seed"])
                    ).verify_key.raw.hex(),
                },
                err("bad_signature"),
            )
        )
        if s != "classic":  # the faults below do not depend on the suite: once is enough
            out.append(
                case(
                    f"envelope/{s}/ciphertext-changed",
                    "envelope.decode_verify",
                    "the signature covers the sealed body",
                    {**inp, "envelope": _variant(v, 14, _fields(v)[14][:-1] + b"\x00")},
                    err("bad_signature"),
                )
            )
            continue
        for name, index, value in _SCHEMA:
            out.append(
                case(
                    f"envelope/{s}/{name}",
                    "envelope.decode_verify",
                    f"one field fault: {name}",
                    {"envelope": _variant(v, index, value), "verify_key": key},
                    err("schema_error"),
                )
            )
        for name, code, data, note in _envelope_negatives(v):
            out.append(
                case(
                    f"envelope/{s}/{name}",
                    "envelope.decode_verify",
                    note,
                    {"envelope": data, "verify_key": key},
                    err(code),
                )
            )
    out += _envelope_size_cases(vectors[0])
    big = {"envelope": ["c0", ["00", MAX_FRAME]]}
    out.append(
        case(
            "envelope/over-max-frame",
            "envelope.decode_verify",
            "more than 1 MiB is refused before it is parsed",
            big,
            err("limit_exceeded"),
        )
    )
    return out


def _envelope_size_cases(v: dict[str, Any]) -> list[dict]:
    """MAX_ENVELOPE: an envelope fits the log entry a delivery carries (§2.3, §2.4)."""
    seed = v["sender_sign_seed"]
    probe = bytes.fromhex(_resigned(v, 14, b"\x00" * 100_000, seed))
    fill = MAX_ENVELOPE - (len(probe) - 100_000)
    largest = bytes.fromhex(_resigned(v, 14, b"\x00" * fill, seed))
    assert len(largest) == MAX_ENVELOPE
    env = Envelope.decode(largest)
    key = v["sender_verify_key"]
    return [
        case(
            "envelope/at-max-envelope",
            "envelope.decode_verify",
            f"exactly MAX_ENVELOPE = MAX_BIN - 1024 = {MAX_ENVELOPE} bytes, signed",
            {"envelope": compact(largest), "verify_key": key},
            ok(message_id=env.id.hex(), header_digest=env.header_digest().hex()),
        ),
        case(
            "envelope/over-max-envelope",
            "envelope.decode_verify",
            "one byte more is refused before it is parsed",
            {"envelope": ["c0", ["00", MAX_ENVELOPE]]},
            err("limit_exceeded"),
        ),
    ]


def _sealed_variants(v: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    sealed = _fields(v)[14]
    nonce, body_ct, wraps = unpack(sealed)
    mine = next(i for i, w in enumerate(wraps) if w[0] == v["recipient_device"])
    bad_wrap = [list(w) for w in wraps]
    bad_wrap[mine][1] = bad_wrap[mine][1][:-1] + bytes([bad_wrap[mine][1][-1] ^ 1])
    bad_enc = [list(w) for w in wraps]
    bad_enc[mine][1] = bytes([bad_enc[mine][1][0] ^ 1]) + bad_enc[mine][1][1:]
    bad_body = body_ct[:-1] + bytes([body_ct[-1] ^ 1])
    hd = bytearray(bytes.fromhex(v["header_digest"]))
    hd[0] ^= 1
    return [
        ("wrap-tag-flipped", {"sealed": pack([nonce, body_ct, bad_wrap]).hex()}),
        ("kem-ciphertext-flipped", {"sealed": pack([nonce, body_ct, bad_enc]).hex()}),
        ("body-flipped", {"sealed": pack([nonce, bad_body, wraps]).hex()}),
        ("other-header", {"header_digest": bytes(hd).hex()}),
        ("not-sealed-to-device", {"device": "ME/officer-9"}),
        (
            "other-device-name",
            {"device": next(w[0] for w in wraps if w[0] != v["recipient_device"])},
        ),
        ("not-msgpack", {"sealed": "c1"}),
    ]


def sealed_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    out = []
    for v in vectors:
        s = v["suite"]
        base = {
            "sealed": _fields(v)[14].hex(),
            "header_digest": v["header_digest"],
            "device": v["recipient_device"],
            "suite": s,
            "private_key": v["recipient_enc_private"],
        }
        out.append(
            case(
                f"sealed/{s}/open",
                "sealed.open",
                "decrypt-only: HPKE is randomised",
                base,
                ok(body=v["body_bytes"], public_key=v["recipient_enc_public"]),
            )
        )
        for name, change in _sealed_variants(v):
            out.append(
                case(
                    f"sealed/{s}/{name}",
                    "sealed.open",
                    f"cannot open: {name}",
                    {**base, **change},
                    err("decryption_failed"),
                )
            )
        body = v["body_bytes"]
        out.append(
            case(
                f"body/{s}/ok",
                "body.decode",
                "the golden body",
                {"family": "hotline_message", "body": body},
                ok(value=wire_typed(v["body"])),
            )
        )
    out += [
        case(
            "body/unknown-field",
            "body.decode",
            "a field the family does not have",
            {"family": "hotline_message", "body": pack({"text": "x", "lang": "en", "x": 1}).hex()},
            err("schema_error"),
        ),
        case(
            "body/not-a-map",
            "body.decode",
            "a body is a map",
            {"family": "hotline_message", "body": pack(["x"]).hex()},
            err("decode_error"),
        ),
        case(
            "body/unsorted-keys",
            "body.decode",
            "bodies are canonical too",
            {"family": "hotline_message", "body": "82a474657874a178a46c616e67a2656e"},
            err("decode_error"),
        ),
    ]
    return out


def _receipt_variant(raw: bytes, index: int, value: Any) -> str:
    f = list(unpack(raw))
    f[index] = value
    return pack(f).hex()


def receipt_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    v = vectors[0]
    raw = bytes.fromhex(v["receipt"])
    key = SigningKey(bytes.fromhex(v["recipient_sign_seed"])).verify_key.raw.hex()
    rc = Receipt.decode(raw)
    sig = rc.signature
    faults = [
        ("kind-unknown", "schema_error", _receipt_variant(raw, 3, "seen")),
        ("at-ms-negative", "schema_error", _receipt_variant(raw, 4, -1)),
        ("device-malformed", "schema_error", _receipt_variant(raw, 2, "HR")),
        ("message-id-not-uuidv7", "schema_error", _receipt_variant(raw, 1, b"\x00" * 16)),
        ("version-2", "schema_error", _receipt_variant(raw, 0, 2)),
        ("5-elements", "decode_error", pack(list(unpack(raw))[:5]).hex()),
        ("array16-header", "decode_error", "dc0006" + raw[1:].hex()),
        ("over-4096-bytes", "limit_exceeded", _receipt_variant(raw, 5, b"\x00" * 4096)),
        ("signature-flipped", "bad_signature", _receipt_variant(raw, 5, sig[:-1] + b"\x00")),
        ("kind-changed", "bad_signature", _receipt_variant(raw, 3, "read")),
    ]
    out = [
        case(
            "receipt/ok",
            "receipt.decode_verify",
            "the golden receipt",
            {"receipt": v["receipt"], "verify_key": key},
            ok(message_id=rc.message_id.hex(), device=rc.device, kind=rc.kind),
        )
    ]
    for name, code, data in faults:
        out.append(
            case(
                f"receipt/{name}",
                "receipt.decode_verify",
                f"one fault: {name}",
                {"receipt": data, "verify_key": key},
                err(code),
            )
        )
    return out
