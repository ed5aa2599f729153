"""Spec 1.0 objects (docs/protocol.md §8.1, §8.4, §9.1, §9.5): hub-signed events,
cosignatures, REST request signatures v2 and the new frames."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hotline.protocol import Roster, SigningKey, pack
from hotline.protocol.auth import rest_payload
from hotline.protocol.constants import DOMAIN_EVENT
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import leaf_hash
from hotline.protocol.witness import Cosignature
from tests.factories import T0

from .cases_log import HUB, _checkpoints
from .cases_roster import NET, R1, next_roster, with_revoked
from .common import case, err, ok, repack, wire_typed

__all__ = [
    "cosignature_cases",
    "event_cases",
    "event_sign_cases",
    "frame_v10_cases",
    "rest_v2_cases",
]


def _hub_revoked() -> Roster:
    devices = with_revoked(R1, HUB)
    return next_roster(R1, ["AL/officer-1", "BA/officer-1", "HR/officer-1"], devices=devices)


def event_sign_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    """What the hub's signature covers: the entry with ``extra`` minus ``sig``."""
    env = bytes.fromhex(vectors[0]["envelope"])
    rc = bytes.fromhex(vectors[0]["receipt"])
    seed = NET[HUB].sign.seed.hex()
    items = [
        ("accepted", T0 + 2, env, {"rv": 1}),
        ("receipt", T0 + 5_001, rc, {"sender": "RS", "rv": 1}),
        ("rejected", T0 + 3, b"", {"code": "replay", "device": "RS/officer-1", "ref": ""}),
        ("hub_start", T0, b"", {"instance": "a1", "missing_accepted": []}),
    ]
    out = []
    for etype, at, payload, extra in items:
        ev = LogEvent(etype, at, HUB, payload, extra).signed(NET[HUB].sign)
        entry = ev.encode()
        out.append(
            case(
                f"event/sign/{etype}",
                "event.sign",
                "the hub signs DOMAIN_EVENT ‖ pack([type, at_ms, hub, payload, extra])",
                {
                    "type": etype,
                    "at_ms": at,
                    "hub": HUB,
                    "payload": payload.hex(),
                    "extra": wire_typed(extra),
                    "sign_seed": seed,
                },
                ok(
                    entry=entry.hex(),
                    signed_bytes=(DOMAIN_EVENT + pack(ev.signed_payload())).hex(),
                    leaf=leaf_hash(entry).hex(),
                ),
            )
        )
    return out


def event_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    env = bytes.fromhex(vectors[0]["envelope"])
    hub = NET[HUB].sign
    good = LogEvent("accepted", T0 + 2, HUB, env, {"rv": 1}).signed(hub).encode()
    rost = R1.encode().hex()
    faults = [
        ("unsigned", "unsigned_event", LogEvent("accepted", T0 + 2, HUB, env, {"rv": 1}).encode()),
        ("extra-changed", "unsigned_event", repack(good, lambda o: o[4].__setitem__("rv", 2))),
        ("payload-changed", "unsigned_event", repack(good, lambda o: o.__setitem__(3, b""))),
        (
            "signed-by-an-officer",
            "wrong_role",
            LogEvent("rejected", T0, "RS/officer-1", b"", {})
            .signed(NET["RS/officer-1"].sign)
            .encode(),
        ),
        (
            "hub-not-in-roster",
            "unknown_key",
            LogEvent("hub_start", T0, "HUB/hub-9", b"", {}).signed(hub).encode(),
        ),
        (
            "reserved-type",
            "wrong_role",
            LogEvent("checkpoint", T0, HUB, b"", {}).signed(hub).encode(),
        ),
        (
            "sig-not-bytes",
            "unsigned_event",
            repack(good, lambda o: o[4].__setitem__("sig", o[4]["sig"].hex())),
        ),
        (
            "sig-63-bytes",
            "unsigned_event",
            repack(good, lambda o: o[4].__setitem__("sig", o[4]["sig"][:63])),
        ),
    ]
    out = [
        case(
            "event/accepted",
            "event.verify",
            "an accepted entry signed by the hub, with rv",
            {"entry": good.hex(), "roster": rost},
            ok(type="accepted", leaf=leaf_hash(good).hex()),
        )
    ]
    start = LogEvent("hub_start", T0, HUB, b"", {"instance": "a1"}).signed(hub).encode()
    out.append(
        case(
            "event/hub-start",
            "event.verify",
            "a hub's own event, no payload",
            {"entry": start.hex(), "roster": rost},
            ok(type="hub_start", leaf=leaf_hash(start).hex()),
        )
    )
    out.append(
        case(
            "event/revoked-hub",
            "event.verify",
            "a hub device revoked in the roster in force signs nothing (R17)",
            {"entry": start.hex(), "roster": _hub_revoked().encode().hex()},
            err("wrong_role"),
        )
    )
    for name, code, data in faults:
        out.append(
            case(
                f"event/{name}",
                "event.verify",
                f"one fault: {name}",
                {"entry": data.hex(), "roster": rost},
                err(code),
            )
        )
    return out


def cosignature_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    _, cp = _checkpoints(vectors)
    rost, light = R1.encode().hex(), cp.encode(light=True).hex()
    good = Cosignature.make(NET["BA/officer-1"].sign, "BA/officer-1", cp, T0 + 30)
    by_feed = Cosignature.make(NET["HR/feed-1"].sign, "HR/feed-1", cp, T0 + 30)
    sig = good.signature
    faults = [
        (
            "auditor",
            "wrong_role",
            Cosignature.make(NET["AUDIT/auditor-1"].sign, "AUDIT/auditor-1", cp, T0).encode(),
        ),
        ("unknown-cosigner", "unknown_key", replace(good, cosigner="ME/officer-1").encode()),
        ("other-size", "bad_signature", replace(good, size=cp.size - 1).encode()),
        ("other-time", "bad_signature", replace(good, at_ms=T0 + 31).encode()),
        (
            "signature-flipped",
            "bad_signature",
            replace(good, signature=sig[:-1] + bytes([sig[-1] ^ 1])).encode(),
        ),
        ("5-elements", "decode_error", repack(good.encode(), lambda o: o.pop())),
        ("version-2", "decode_error", repack(good.encode(), lambda o: o.__setitem__(0, 2))),
    ]
    out = [
        case(
            "cosignature/officer",
            "cosignature.verify",
            "BA's officer witnesses the checkpoint",
            {"cosignature": good.encode().hex(), "checkpoint": light, "roster": rost},
            ok(party="BA"),
        ),
        case(
            "cosignature/feed",
            "cosignature.verify",
            "a feed witnesses for its party",
            {"cosignature": by_feed.encode().hex(), "checkpoint": light, "roster": rost},
            ok(party="HR"),
        ),
    ]
    for name, code, data in faults:
        out.append(
            case(
                f"cosignature/{name}",
                "cosignature.verify",
                f"one fault: {name}",
                {"cosignature": data.hex(), "checkpoint": light, "roster": rost},
                err(code),
            )
        )
    return out


_QUERIES = [
    ("empty", "", ""),
    ("sorted", "to_ms=2&from_ms=1", "from_ms=1&to_ms=2"),
    ("plus-and-escapes", "x=a+b%2Fc&flag", "flag=&x=a+b%2Fc"),
    ("semicolon-is-a-byte", "a=1;b=2", "a=1%3Bb%3D2"),
    ("bad-escape-kept", "a=%zz", "a=%25zz"),
    ("empty-pieces", "&&a=1&", "a=1"),
    ("utf8-upper-hex", "k=%c3%a9~&k=%C3%A9", "k=%C3%A9&k=%C3%A9~"),
]
#: percent-decoded bytes that are not UTF-8: what is signed must be what is read
_BAD_QUERIES = [
    ("lone-continuation-byte", "a=%80"),
    ("overlong-slash", "a=%C0%AF"),
    ("encoded-surrogate", "k%ED%A0%80=1"),
]


def rest_v2_cases(vectors: list[dict[str, Any]]) -> list[dict]:
    out = [
        case(
            f"rest/query/{n}",
            "rest.canonical_query",
            f"§8.4 canonical query: {n}",
            {"query": q},
            ok(canonical=c),
        )
        for n, q, c in _QUERIES
    ]
    out += [
        case(
            f"rest/query/{n}",
            "rest.canonical_query",
            f"§8.4: invalid UTF-8 after percent-decoding ({n})",
            {"query": q},
            err("schema_error"),
        )
        for n, q in _BAD_QUERIES
    ]
    key = SigningKey(bytes.fromhex(vectors[0]["sender_sign_seed"]))
    nonce, body = b"\x05" * 16, b'{"to":"HR"}'
    payload = rest_payload(
        HUB, "GET", "/v1/audit/export", "from_ms=1&to_ms=2", body, "RS/officer-1", T0, nonce
    )
    base = {
        "hub": HUB,
        "method": "GET",
        "path": "/v1/audit/export",
        "query": "to_ms=2&from_ms=1",
        "body": body.hex(),
        "device": "RS/officer-1",
        "at_ms": T0,
        "nonce": nonce.hex(),
        "signature": key.sign(payload).hex(),
        "verify_key": key.verify_key.raw.hex(),
    }
    out.append(
        case(
            "rest/v2/ok",
            "rest.v2.sign_verify",
            "query, body and nonce are signed",
            base,
            ok(payload=payload.hex()),
        )
    )
    out.append(
        case(
            "rest/v2/query-order",
            "rest.v2.sign_verify",
            "the query is canonical first",
            {**base, "query": "from_ms=1&to_ms=2"},
            ok(payload=payload.hex()),
        )
    )
    for name, change in (
        ("other-query", {"query": "from_ms=1&to_ms=3"}),
        ("other-body", {"body": ""}),
        ("other-nonce", {"nonce": "06" * 16}),
        ("other-path", {"path": "/v1/roster"}),
    ):
        out.append(
            case(
                f"rest/v2/{name}",
                "rest.v2.sign_verify",
                f"the signature covers {name}",
                {**base, **change},
                err("auth_failed"),
            )
        )
    out.append(
        case(
            "rest/v2/query-not-utf8",
            "rest.v2.sign_verify",
            "a query that is not UTF-8 is refused before any signature is checked",
            {**base, "query": "from_ms=%FF"},
            err("schema_error"),
        )
    )
    out.append(
        case(
            "rest/v2/nonce-15-bytes",
            "rest.v2.sign_verify",
            "a nonce is 16 bytes",
            {**base, "nonce": "05" * 15},
            err("schema_error"),
        )
    )
    return out


def frame_v10_cases() -> list[dict]:
    mid = b"\x01" * 6 + b"\x70" + b"\x00" + b"\x80" + b"\x00" * 7
    good = [
        ("submit", ["submit", {"id": mid, "envelope": b"\x00"}]),
        ("deliver", ["deliver", {"delivery": "1780000000000-0", "entry": b"\x00", "index": 7}]),
        ("prove", ["prove", {"size": 8, "indexes": [0, 7]}]),
        ("consistency", ["consistency", {"from": 3, "to": 8}]),
        ("cosign", ["cosign", {"cosignature": b"\x00"}]),
        ("alert", ["alert", {"code": "integrity_alarm", "message": "x", "at_ms": T0}]),
    ]
    out = [
        case(
            f"frame/{n}",
            "frame.decode",
            "a spec 1.0 frame",
            {"frame": pack(f).hex()},
            ok(type=f[0]),
        )
        for n, f in good
    ]
    bad = [
        ("submit-without-id", "schema_error", ["submit", {"envelope": b"\x00"}]),
        (
            "deliver-bad-delivery-id",
            "schema_error",
            ["deliver", {"delivery": "x", "entry": b"\x00", "index": 0}],
        ),
        (
            "negative-index",
            "schema_error",
            ["deliver", {"delivery": "1-0", "entry": b"", "index": -1}],
        ),
        ("prove-257", "limit_exceeded", ["prove", {"size": 300, "indexes": list(range(257))}]),
        ("prove-index-at-size", "schema_error", ["prove", {"size": 8, "indexes": [8]}]),
        ("consistency-from-0", "schema_error", ["consistency", {"from": 0, "to": 8}]),
        ("ack-1001", "limit_exceeded", ["ack", {"deliveries": ["1-0"] * 1001}]),
        (
            "container-budget",
            "limit_exceeded",
            [
                "status_result",
                {
                    "id": mid,
                    "recipients": {
                        p: {"state": "read", "devices": {}} for p in ("AL", "BA", "HR", "ME", "MK")
                    },
                },
            ],
        ),
    ]
    for name, code, f in bad:
        out.append(
            case(
                f"frame/{name}",
                "frame.decode",
                f"one fault: {name}",
                {"frame": pack(f).hex()},
                err(code),
            )
        )
    return out
