from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.protocol import Envelope, id_text, new_message_id, parse_id_text
from hotline.protocol.codec import pack
from hotline.protocol.constants import DOMAIN_ENVELOPE
from hotline.protocol.errors import (
    DecodeError,
    LimitExceeded,
    ProtocolError,
    SchemaError,
    SignatureError,
)
from tests.factories import T0, make_envelope, make_network

NET = make_network()
ENV = make_envelope(NET)


def test_encode_decode_identity() -> None:
    data = ENV.encode()
    assert Envelope.decode(data) == ENV
    assert Envelope.decode(data).encode() == data


def test_signature_verifies_with_sender_key_only() -> None:
    ENV.verify(NET["RS/officer-1"].sign.verify_key)
    with pytest.raises(SignatureError):
        ENV.verify(NET["HR/officer-1"].sign.verify_key)


@given(st.data())
def test_any_single_bit_flip_fails(data: st.DataObject) -> None:
    raw = bytearray(ENV.encode())
    bit = data.draw(st.integers(0, len(raw) * 8 - 1))
    raw[bit // 8] ^= 1 << (bit % 8)
    with pytest.raises(ProtocolError):
        Envelope.decode(bytes(raw)).verify(NET["RS/officer-1"].sign.verify_key)


def test_every_bit_flip_in_header_and_signature_fails() -> None:
    raw = ENV.encode()
    key = NET["RS/officer-1"].sign.verify_key
    # exhaustively over the first 300 bytes (the header) and the last 64 (signature)
    positions = list(range(min(300, len(raw)))) + list(range(len(raw) - 64, len(raw)))
    for i in positions:
        for b in range(8):
            bad = bytearray(raw)
            bad[i] ^= 1 << b
            with pytest.raises(ProtocolError):
                Envelope.decode(bytes(bad)).verify(key)


def test_byte_by_byte_truncation_raises_only_protocol_errors() -> None:
    raw = ENV.encode()
    for n in range(len(raw)):
        with pytest.raises(ProtocolError):
            Envelope.decode(raw[:n])


@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_decoder(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        Envelope.decode(data)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipients": ("HR", "BA")}, "recipients"),
        ({"recipients": ()}, "recipients"),
        ({"recipients": ("RS",)}, "recipients"),
        ({"precedence": "URGENT"}, "precedence"),
        ({"family": "gossip"}, "family"),
        ({"device": "HR/officer-1"}, "device"),
        ({"created_ms": -1}, "created_ms"),
        ({"seq": True}, "seq"),
        ({"suite": "rot13"}, "suite"),
        ({"in_reply_to": b"x" * 16}, "in_reply_to"),
    ],
)
def test_invalid_fields_are_named(change: dict[str, object], field: str) -> None:
    with pytest.raises(SchemaError) as exc:
        replace(ENV, **change)  # type: ignore[arg-type]
    assert exc.value.field == field or field in exc.value.message


def test_non_canonical_encoding_is_rejected() -> None:
    import msgpack

    obj = msgpack.unpackb(ENV.encode(), raw=False)
    # seq as a 64-bit int instead of the smallest form: same value, other bytes
    head = msgpack.packb(obj[:11], use_bin_type=True)[1:]
    seq = b"\xcf" + obj[11].to_bytes(8, "big")
    rest = b"".join(msgpack.packb(x, use_bin_type=True) for x in obj[12:])
    with pytest.raises(DecodeError):
        Envelope.decode(b"\xdc\x00\x10" + head + seq + rest)


def test_too_many_recipients() -> None:
    with pytest.raises(LimitExceeded):
        replace(ENV, recipients=tuple(f"P{i:02d}" for i in range(65)))


def test_message_id_is_uuid7_and_time_ordered() -> None:
    a = new_message_id(T0, b"\xff" * 10)
    b = new_message_id(T0 + 1, b"\x00" * 10)
    assert a < b
    assert id_text(a)[14] == "7"
    assert parse_id_text(id_text(a)) == a


# ciphertext sizes on each side of msgpack's bin8/bin16/bin32 boundaries, and others
CT_SIZES = st.sampled_from([16, 255, 256, 65535, 65536, 70_000]) | st.integers(16, 20_000)


@given(CT_SIZES, st.sampled_from([(), ("HR",), ("BA", "HR", "MK")]), st.integers(0, 2**40))
def test_signed_bytes_cut_from_the_decoded_bytes_are_the_canonical_ones(
    size: int, to: tuple[str, ...], seq: int
) -> None:
    """Why: verify cuts the signed bytes out of what decode took instead of packing the
    ciphertext again; they must be exactly what the sender signed."""
    key = NET["RS/officer-1"].sign
    env = replace(ENV, ciphertext=b"\x07" * size, recipients=to or ("HR",), seq=seq).signed(key)
    got = Envelope.decode(env.encode())
    assert got._signed_bytes() == DOMAIN_ENVELOPE + pack(got.signed_payload())
    got.verify(key.verify_key)


def test_a_changed_envelope_does_not_verify_with_the_bytes_it_was_decoded_from() -> None:
    got = Envelope.decode(ENV.encode())
    changed = replace(got, seq=got.seq + 1)  # same signature, other content
    assert changed._signed_bytes() is None  # no bytes carried over: packed afresh
    with pytest.raises(SignatureError):
        changed.verify(NET["RS/officer-1"].sign.verify_key)
