"""Handshake, REST request signature (v1) and frame cases (docs/protocol.md §8)."""

from __future__ import annotations

from typing import Any

from hotline.protocol import SigningKey, auth_payload, pack
from hotline.protocol.auth import rest_payload_v1
from hotline.protocol.constants import MAX_FRAME
from tests.factories import T0

from .common import case, err, ok, wire_typed

__all__ = ["auth_cases", "frame_cases", "rest_cases"]

HUB = "HUB/hub-1"
CONN, NONCE = b"\x01" * 16, b"\x02" * 32


def auth_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    v = vectors[0]
    key = SigningKey(bytes.fromhex(v["sender_sign_seed"]))
    sig = key.sign(auth_payload(HUB, CONN, NONCE, "RS/officer-1", T0)).hex()
    base = {
        "hub": HUB,
        "conn": CONN.hex(),
        "nonce": NONCE.hex(),
        "device": "RS/officer-1",
        "at_ms": T0,
        "signature": sig,
        "verify_key": key.verify_key.raw.hex(),
    }
    out = [
        case(
            "auth/ok",
            "auth.sign_verify",
            "the challenge answered by RS/officer-1",
            base,
            ok(payload=v["auth_payload"]),
        )
    ]
    for name, change in (
        ("other-nonce", {"nonce": "03" * 32}),
        ("other-conn", {"conn": "00" * 16}),
        ("other-hub", {"hub": "HUB/hub-2"}),
        ("other-time", {"at_ms": T0 + 1}),
        ("other-device", {"device": "RS/officer-2"}),
        ("other-key", {"verify_key": SigningKey(b"\x09" * 32).verify_key.raw.hex()}),
    ):
        out.append(
            case(
                f"auth/{name}",
                "auth.sign_verify",
                f"the signature does not cover {name}",
                {**base, **change},
                err("auth_failed"),
            )
        )
    return out


def rest_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    v = vectors[0]
    key = SigningKey(bytes.fromhex(v["sender_sign_seed"]))
    path = "/v1/messages/0190f2a0-0000-7000-8000-000000000000/status"
    payload = rest_payload_v1(HUB, "GET", path, "RS/officer-1", T0)
    base = {
        "hub": HUB,
        "method": "GET",
        "path": path,
        "device": "RS/officer-1",
        "at_ms": T0,
        "signature": key.sign(payload).hex(),
        "verify_key": key.verify_key.raw.hex(),
    }
    out = [
        case(
            "rest/v1/ok",
            "rest.v1.sign_verify",
            "a signed GET (spec 1.0 keeps v1 readable)",
            base,
            ok(payload=payload.hex()),
        ),
        case(
            "rest/v1/method-case",
            "rest.v1.sign_verify",
            "the method is upper-cased first",
            {**base, "method": "get"},
            ok(payload=payload.hex()),
        ),
    ]
    for name, change in (
        ("other-path", {"path": "/v1/roster"}),
        ("other-method", {"method": "POST"}),
        ("other-time", {"at_ms": T0 - 1}),
    ):
        out.append(
            case(
                f"rest/v1/{name}",
                "rest.v1.sign_verify",
                f"the signature covers {name}",
                {**base, **change},
                err("auth_failed"),
            )
        )
    return out


def _frames() -> list[tuple[str, list[Any]]]:
    return [
        ("challenge", ["challenge", {"hub": HUB, "conn": CONN, "nonce": NONCE, "at_ms": T0}]),
        (
            "auth",
            [
                "auth",
                {
                    "device": "RS/officer-1",
                    "at_ms": T0,
                    "signature": b"\x00" * 64,
                    "roster_version": 1,
                },
            ],
        ),
        ("ack", ["ack", {"deliveries": ["1780000000000-0", "1780000000000-1"]}]),
        ("bye", ["bye", {}]),
        (
            "extra-fields-allowed",
            [
                "welcome",
                {"device": "RS/officer-1", "roster_version": 1, "hub": HUB, "future": True},
            ],
        ),
    ]


def frame_cases() -> list[dict]:
    out = []
    for name, frame in _frames():
        out.append(
            case(
                f"frame/{name}",
                "frame.decode",
                "a well-formed frame",
                {"frame": pack(frame).hex()},
                ok(type=frame[0], fields=wire_typed(frame[1])),
            )
        )
    faults = [
        ("not-type-and-fields", "decode_error", pack({"type": "bye"}).hex()),
        ("three-elements", "decode_error", pack(["bye", {}, None]).hex()),
        ("unknown-type", "decode_error", pack(["shout", {}]).hex()),
        ("missing-field", "schema_error", pack(["submit", {}]).hex()),
        (
            "bool-for-int",
            "schema_error",
            pack(["welcome", {"device": "RS/officer-1", "roster_version": True, "hub": HUB}]).hex(),
        ),
        ("str-for-bin", "schema_error", pack(["submit", {"envelope": "x"}]).hex()),
        ("unsorted-fields", "decode_error", "92a361636b82a178c0aa64656c6976657269657390"),
        ("over-max-frame", "limit_exceeded", None),
    ]
    for name, code, data in faults:
        inp = {"frame": data if data is not None else ["c0", ["00", MAX_FRAME]]}
        out.append(case(f"frame/{name}", "frame.decode", f"one fault: {name}", inp, err(code)))
    return out
