from __future__ import annotations

import contextlib
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.protocol import Roster, verify_transition
from hotline.protocol.errors import (
    ExpiredKey,
    KeyError_,
    ProtocolError,
    RevokedKey,
    RosterError,
    RosterRollback,
    WrongRole,
)
from tests.factories import T0, make_identity, make_network

NET = make_network(quorum=4)
R1 = NET.roster
assert R1 is not None


def next_version(base: Roster, signers: list[str], **changes: object) -> Roster:
    new = replace(
        base.unsigned(), version=base.version + 1, prev_hash=base.hash(), _by_id={}, **changes
    )  # type: ignore[arg-type]
    for dev in signers:
        new = new.signed_by(dev, NET[dev].sign)
    return new


def test_genesis_with_quorum_is_valid_and_roundtrips() -> None:
    verify_transition(None, R1, T0)
    assert Roster.decode(R1.encode()) == R1
    assert Roster.decode(R1.encode()).hash() == R1.hash()


def test_genesis_below_quorum_refused_with_clear_message() -> None:
    r = R1.unsigned().signed_by("RS/officer-1", NET["RS/officer-1"].sign)
    with pytest.raises(RosterError, match="signed by 1 of the 4 parties the quorum requires"):
        verify_transition(None, r, T0)


def test_duplicate_signer_party_rejected() -> None:
    r = R1.unsigned()
    for _ in range(2):
        r = r.signed_by("RS/officer-1", NET["RS/officer-1"].sign)
    r = replace(r, signatures=r.signatures + r.signatures, _by_id={})
    with pytest.raises(RosterError, match="signed twice"):
        verify_transition(None, r, T0)


def test_feed_or_outsider_cannot_sign() -> None:
    r = R1.unsigned().signed_by("RS/feed-1", NET["RS/feed-1"].sign)
    with pytest.raises(RosterError, match="not an officer"):
        verify_transition(None, r, T0)


def test_rotation_update_revocation_chain() -> None:
    rotated = make_identity("HR/officer-2", "officer", "classic")
    devices = (*R1.devices, rotated.entry())
    devices = tuple(replace(d, revoked=True) if d.id == "BA/feed-1" else d for d in devices)
    r2 = next_version(
        R1, ["AL/officer-1", "HR/officer-1", "ME/officer-1", "XK/officer-1"], devices=devices
    )
    verify_transition(R1, r2, T0)
    with pytest.raises(RevokedKey):
        r2.device("BA/feed-1", T0)
    assert r2.device("HR/officer-2", T0).role == "officer"


def test_rollback_skip_broken_chain_expired() -> None:
    signers = ["AL/officer-1", "BA/officer-1", "HR/officer-1", "ME/officer-1"]
    r2 = next_version(R1, signers)
    with pytest.raises(RosterRollback):
        verify_transition(r2, R1, T0)
    r3 = next_version(r2, signers)
    with pytest.raises(RosterError, match="skips"):
        verify_transition(R1, r3, T0)
    forked = next_version(R1, signers, issued_ms=T0 + 5)
    forked = replace(forked.unsigned(), prev_hash=b"\x00" * 32, _by_id={})
    for dev in signers:
        forked = forked.signed_by(dev, NET[dev].sign)
    with pytest.raises(RosterError, match="prev_hash"):
        verify_transition(R1, forked, T0)
    short = next_version(R1, signers, valid_until_ms=T0 - 1)
    with pytest.raises(RosterError, match="expired"):
        verify_transition(R1, short, T0)


def test_tampered_roster_signature_fails() -> None:
    devices = tuple(replace(d, role="officer") if d.id == "RS/feed-1" else d for d in R1.devices)
    tampered = replace(R1, devices=devices, _by_id={})
    with pytest.raises(RosterError, match="does not verify"):
        verify_transition(None, tampered, T0)


def test_device_lookups() -> None:
    with pytest.raises(KeyError_):
        R1.device("RS/officer-9", T0)
    with pytest.raises(WrongRole):
        R1.device("RS/feed-1", T0, roles=("officer",))
    expiring = replace(
        R1, devices=tuple(replace(d, valid_until_ms=T0 - 1) for d in R1.devices), _by_id={}
    )
    with pytest.raises(ExpiredKey):
        expiring.device("RS/officer-1", T0)
    assert R1.device("RS/feed-1", T0).may_send("drone_flight")
    assert not R1.device("RS/feed-1", T0).may_send("hotline_message")


def test_seal_targets_include_sender_party_and_auditor_copies() -> None:
    ids = {d.id for d in R1.seal_targets("RS", ["HR"])}
    assert ids == {"RS/officer-1", "RS/feed-1", "HR/officer-1", "HR/feed-1"}
    with_audit = make_network(auditor_copies=True).roster
    assert with_audit is not None
    assert "AUDIT/auditor-1" in {d.id for d in with_audit.seal_targets("RS", ["HR"])}


@given(st.binary(max_size=500))
def test_roster_decoder_random_bytes(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        Roster.decode(data)


def test_roster_decoder_truncation() -> None:
    raw = R1.encode()
    for n in range(0, len(raw), 7):
        with pytest.raises(ProtocolError):
            Roster.decode(raw[:n])


def _rewrite(roster: Roster, edit: object) -> bytes:
    """The roster's wire map after ``edit(body)``, re-encoded canonically."""
    from hotline.protocol import pack, unpack

    obj = unpack(roster.encode())
    edit(obj["body"])  # type: ignore[operator]
    return pack(obj)


@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.update(extra=1),  # an unknown body key
        lambda b: b.pop("network"),  # a missing body key
        lambda b: b["devices"][0].pop("families"),  # a device key left to a default
        lambda b: b["devices"][0].update(colour="red"),  # an unknown device key
        lambda b: b["parties"][0].pop("kind"),  # a party key left to a default
        lambda b: b["devices"][0].update(sign_key=b"\x01" * 31),  # a key of the wrong size
        lambda b: b["devices"][0].update(enc_key=b"\x01" * 31),
        lambda b: b.update(issued_ms=-1),
    ],
    ids=["extra", "missing", "default", "unknown", "party", "sign_key", "enc_key", "negative"],
)
def test_every_roster_field_fault_is_a_schema_error(edit: object) -> None:
    """docs/protocol.md §7.1 and §10.1: a field fault of a roster is schema_error."""
    from hotline.protocol.errors import SchemaError

    with pytest.raises(SchemaError):
        Roster.decode(_rewrite(R1, edit))


def test_a_small_order_signing_key_is_refused() -> None:
    """OpenSSL would accept (R = identity, S = 0) under such a key for every message."""
    from hotline.protocol.errors import SchemaError

    identity = (1).to_bytes(32, "little")
    with pytest.raises(SchemaError):
        Roster.decode(_rewrite(R1, lambda b: b["devices"][0].update(sign_key=identity)))
