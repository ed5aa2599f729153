"""Roster cases (docs/protocol.md §7): decoding and the version chain."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hotline.protocol import Roster, pack
from tests.factories import T0, Network, make_network

from .common import case, err, ok, repack

__all__ = ["NET", "R1", "next_roster", "roster_cases", "with_revoked"]

PARTIES = ("AL", "BA", "HR", "RS")
NET: Network = make_network(parties=PARTIES, quorum=3)
R1: Roster = NET.roster  # type: ignore[assignment]


def next_roster(base: Roster, signers: list[str], **changes: Any) -> Roster:
    new = replace(
        base.unsigned(), version=base.version + 1, prev_hash=base.hash(), _by_id={}, **changes
    )
    for dev in signers:
        new = new.signed_by(dev, NET[dev].sign)
    return new


def with_revoked(r: Roster, device_id: str) -> tuple[Any, ...]:
    return tuple(replace(d, revoked=True) if d.id == device_id else d for d in r.devices)


def _officers(*parties: str) -> list[str]:
    return [f"{p}/officer-1" for p in parties]


def _chains() -> list[tuple[str, str, list[Roster], str | None]]:
    r2 = next_roster(R1, _officers("AL", "BA", "HR"), devices=with_revoked(R1, "HR/officer-1"))
    r3 = next_roster(r2, _officers("AL", "BA", "RS"), issued_ms=T0 + 2)
    r2_alt = next_roster(R1, _officers("AL", "BA", "RS"), issued_ms=T0 + 1)
    dup = replace(next_roster(R1, _officers("AL", "BA")), _by_id={})
    dup = replace(dup, signatures=(*dup.signatures, dup.signatures[0]), _by_id={})
    bad_sig = next_roster(R1, _officers("AL", "BA", "HR"))
    s0 = bad_sig.signatures[0]
    bad_sig = replace(
        bad_sig,
        signatures=((s0[0], s0[1][:-1] + bytes([s0[1][-1] ^ 1])), *bad_sig.signatures[1:]),
        _by_id={},
    )
    return [
        ("genesis", "a genesis signed by 3 of 4 (its own quorum)", [R1], None),
        ("three-versions", "v2 revokes HR/officer-1; v3 signed by others", [R1, r2, r3], None),
        (
            "quorum-from-previous",
            "v2 raises the quorum to 4; v1's quorum of 3 signs it",
            [R1, next_roster(R1, _officers("AL", "BA", "HR"), quorum=4)],
            None,
        ),
        ("rollback", "v1 again after v2", [R1, r2, R1], "roster_rollback"),
        ("same-version-replaced", "another v2 after v2", [R1, r2, r2_alt], "roster_rollback"),
        ("skipped-version", "v3 straight after v1", [R1, r3], "roster_invalid"),
        (
            "below-quorum",
            "v2 signed by 2 of the 3 required",
            [R1, next_roster(R1, _officers("AL", "BA"))],
            "roster_invalid",
        ),
        (
            "duplicate-signer",
            "the same signature twice: 2 distinct parties",
            [R1, dup],
            "roster_invalid",
        ),
        (
            "feed-signer",
            "a feed is not an officer",
            [R1, next_roster(R1, [*_officers("AL", "BA"), "HR/feed-1"])],
            "roster_invalid",
        ),
        (
            "auditor-signer",
            "an auditor's party does not vote",
            [R1, next_roster(R1, [*_officers("AL", "BA"), "AUDIT/auditor-1"])],
            "roster_invalid",
        ),
        (
            "revoked-signer",
            "HR/officer-1 is revoked in v2, the version that authorises v3",
            [R1, r2, next_roster(r2, _officers("AL", "BA", "HR"))],
            "roster_invalid",
        ),
        ("bad-signature", "one signature bit flipped", [R1, bad_sig], "roster_invalid"),
        (
            "prev-hash-mismatch",
            "v2 names another predecessor",
            [
                R1,
                replace(next_roster(R1, []), prev_hash=b"\x00" * 32, _by_id={})
                .signed_by("AL/officer-1", NET["AL/officer-1"].sign)
                .signed_by("BA/officer-1", NET["BA/officer-1"].sign)
                .signed_by("HR/officer-1", NET["HR/officer-1"].sign),
            ],
            "roster_invalid",
        ),
        (
            "expired",
            "v2 expired before now_ms",
            [R1, next_roster(R1, _officers("AL", "BA", "HR"), valid_until_ms=T0 - 1)],
            "roster_invalid",
        ),
        (
            "genesis-with-prev-hash",
            "a genesis names no predecessor",
            [
                replace(R1.unsigned(), prev_hash=b"\x01" * 32, _by_id={}).signed_by(
                    "AL/officer-1", NET["AL/officer-1"].sign
                )
            ],
            "roster_invalid",
        ),
        (
            "genesis-version-2",
            "a chain starts at version 1",
            [next_roster(R1, _officers("AL", "BA", "HR"))],
            "roster_invalid",
        ),
    ]


def _roster_decode_faults() -> list[tuple[str, str, bytes]]:
    raw = R1.encode()
    ident = (1).to_bytes(32, "little")
    d0 = lambda f: lambda o: f(o["body"]["devices"][0])  # noqa: E731
    return [
        ("extra-body-key", "schema_error", repack(raw, lambda o: o["body"].update(x=1))),
        ("missing-body-key", "schema_error", repack(raw, lambda o: o["body"].pop("network"))),
        ("device-default-left-out", "schema_error", repack(raw, d0(lambda d: d.pop("revoked")))),
        (
            "sign-key-31-bytes",
            "schema_error",
            repack(raw, d0(lambda d: d.update(sign_key=b"\x01" * 31))),
        ),
        (
            "sign-key-small-order",
            "schema_error",
            repack(raw, d0(lambda d: d.update(sign_key=ident))),
        ),
        (
            "enc-key-wrong-size",
            "schema_error",
            repack(raw, d0(lambda d: d.update(enc_key=b"\x01" * 33))),
        ),
        ("role-unknown", "schema_error", repack(raw, d0(lambda d: d.update(role="admin")))),
        ("quorum-0", "schema_error", repack(raw, lambda o: o["body"].update(quorum=0))),
        (
            "duplicate-device",
            "schema_error",
            repack(raw, lambda o: o["body"]["devices"].append(o["body"]["devices"][0])),
        ),
        (
            "device-of-unlisted-party",
            "schema_error",
            repack(raw, d0(lambda d: d.update(id="ME/officer-1"))),
        ),
        ("not-body-and-signatures", "decode_error", pack({"body": {}})),
        ("non-canonical-map16", "decode_error", b"\xde\x00\x02" + raw[1:]),
    ]


def roster_cases() -> list[dict]:
    out = [
        case(
            "roster/decode/ok",
            "roster.decode",
            "a genesis roster",
            {"roster": R1.encode().hex()},
            ok(version=1, hash=R1.hash().hex()),
        )
    ]
    for name, code, data in _roster_decode_faults():
        out.append(
            case(
                f"roster/decode/{name}",
                "roster.decode",
                f"one fault: {name}",
                {"roster": data.hex()},
                err(code),
            )
        )
    for name, note, chain, code in _chains():
        last = chain[-1]
        expect = ok(version=last.version, hash=last.hash().hex()) if code is None else err(code)
        out.append(
            case(
                f"roster/chain/{name}",
                "roster.verify_chain",
                note,
                {"rosters": [r.encode().hex() for r in chain], "now_ms": T0},
                expect,
            )
        )
    return out
