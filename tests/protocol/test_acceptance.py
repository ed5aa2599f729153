"""The acceptance rule (docs/protocol.md §6.4): one row per rule and refusal code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from hotline.protocol import Receipt, Roster
from hotline.protocol.acceptance import (
    Rules,
    SeenIndex,
    check_envelope,
    check_hub_event,
    check_receipt,
)
from hotline.protocol.errors import ProtocolError
from hotline.protocol.events import LogEvent
from tests.factories import T0, Network, make_envelope, make_network

NET = make_network(("BA", "HR", "RS"), quorum=2)
ROSTER = NET.roster
assert ROSTER is not None


def _revise(**changes: Any) -> Callable[[str], Roster]:
    """A roster where one device's entry is changed (no signatures: the rule takes it as given)."""

    def make(device_id: str) -> Roster:
        assert ROSTER is not None
        devs = tuple(replace(d, **changes) if d.id == device_id else d for d in ROSTER.devices)
        return replace(ROSTER, devices=devs, signatures=(), _by_id={})

    return make


def _seen(*pairs: tuple[Any, bytes, int]) -> SeenIndex:
    s = SeenIndex()
    for env, data, at in pairs:
        s.add(env, data, at)
    return s


RS_NOTICE = make_envelope(NET, "RS/officer-1", ("BA", "HR"), "link_test", {}, label="rs")
BA_NOTICE = make_envelope(NET, "BA/officer-1", ("HR", "RS"), "link_test", {}, label="ba")

# (case, envelope, roster, at_ms, seen, authenticated, expected code or None)
ENVELOPE_CASES: list[tuple[str, Any, Roster, int, SeenIndex, str | None, str | None]] = [
    ("accept", make_envelope(NET), ROSTER, T0, SeenIndex(), None, None),
    (
        "R1 unknown device",
        make_envelope(NET),
        replace(
            ROSTER,
            devices=tuple(d for d in ROSTER.devices if d.id != "RS/officer-1"),
            signatures=(),
            _by_id={},
        ),
        T0,
        SeenIndex(),
        None,
        "unknown_key",
    ),
    (
        "R2 hub never sends",
        make_envelope(NET),
        _revise(role="hub")("RS/officer-1"),
        T0,
        SeenIndex(),
        None,
        "wrong_role",
    ),
    (
        "R2 auditor never sends",
        make_envelope(NET),
        _revise(role="auditor")("RS/officer-1"),
        T0,
        SeenIndex(),
        None,
        "wrong_role",
    ),
    (
        "R2 observer never sends",
        make_envelope(NET),
        _revise(role="observer")("RS/officer-1"),
        T0,
        SeenIndex(),
        None,
        "wrong_role",
    ),
    (
        "R3 revoked",
        make_envelope(NET),
        _revise(revoked=True)("RS/officer-1"),
        T0,
        SeenIndex(),
        None,
        "revoked_key",
    ),
    (
        "R4 expired at accept time",
        make_envelope(NET),
        _revise(valid_until_ms=T0 - 1)("RS/officer-1"),
        T0,
        SeenIndex(),
        None,
        "expired_key",
    ),
    (
        "R4 not yet valid",
        make_envelope(NET),
        _revise(valid_from_ms=T0 + 1)("RS/officer-1"),
        T0,
        SeenIndex(),
        None,
        "expired_key",
    ),
    (
        "R5 other device authenticated",
        make_envelope(NET),
        ROSTER,
        T0,
        SeenIndex(),
        "RS/feed-1",
        "wrong_sender",
    ),
    (
        "R6 bad signature",
        replace(make_envelope(NET), signature=bytes(64)),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        "bad_signature",
    ),
    (
        "R7 feed outside its families",
        make_envelope(NET, "RS/feed-1", family="hotline_message"),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        "family_not_allowed",
    ),
    (
        "R7 feed inside its families",
        make_envelope(NET, "RS/feed-1", family="link_test", body={}),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        None,
    ),
    (
        "R8 unknown recipient",
        make_envelope(NET, recipients=("BA", "ZZ")),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        "unknown_recipient",
    ),
    (
        "R9 response without reference",
        make_envelope(NET, family="clarification_response", body={"answer": "x", "lang": "en"}),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        "schema_error",
    ),
    (
        "R10 replay with other bytes",
        make_envelope(NET, body={"text": "b", "lang": "en"}),
        ROSTER,
        T0,
        _seen((make_envelope(NET), make_envelope(NET).encode(), T0)),
        None,
        "replay",
    ),
    (
        "R11 backdated 6 days past the bound",
        make_envelope(NET, created_ms=T0 - 8 * 86_400_000),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        "clock_skew",
    ),
    (
        "R11 3 minutes in the future",
        make_envelope(NET, created_ms=T0 + 180_000),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        "clock_skew",
    ),
    (
        "R11 within the bound",
        make_envelope(NET, created_ms=T0 - 86_400_000),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        None,
    ),
    (
        "R12 supersedes another party's notice",
        make_envelope(
            NET,
            "BA/officer-1",
            ("HR", "RS"),
            "link_test",
            {},
            label="amend",
            supersedes=RS_NOTICE.id,
        ),
        ROSTER,
        T0,
        _seen((RS_NOTICE, RS_NOTICE.encode(), T0)),
        None,
        "foreign_reference",
    ),
    (
        "R12 supersedes its own notice",
        make_envelope(
            NET,
            "BA/officer-1",
            ("HR", "RS"),
            "link_test",
            {},
            label="amend2",
            supersedes=BA_NOTICE.id,
        ),
        ROSTER,
        T0,
        _seen((BA_NOTICE, BA_NOTICE.encode(), T0)),
        None,
        None,
    ),
    (
        "R12 supersedes nothing known",
        make_envelope(
            NET,
            "BA/officer-1",
            ("HR", "RS"),
            "link_test",
            {},
            label="amend3",
            supersedes=make_envelope(NET, label="never").id,
        ),
        ROSTER,
        T0,
        SeenIndex(),
        None,
        "unknown_reference",
    ),
]


@pytest.mark.parametrize(
    ("env", "roster", "at_ms", "seen", "auth", "code"),
    [c[1:] for c in ENVELOPE_CASES],
    ids=[c[0] for c in ENVELOPE_CASES],
)
def test_envelope_rule(
    env: Any, roster: Roster, at_ms: int, seen: SeenIndex, auth: str | None, code: str | None
) -> None:
    if code is None:
        d = check_envelope(env, roster=roster, at_ms=at_ms, seen=seen, authenticated=auth)
        assert d.duplicate is False
        return
    with pytest.raises(ProtocolError) as info:
        check_envelope(env, roster=roster, at_ms=at_ms, seen=seen, authenticated=auth)
    assert info.value.code == code


def test_duplicate_is_answered_even_after_revocation() -> None:
    # R0: the very bytes were accepted before; a retry gets the original answer.
    env = make_envelope(NET)
    seen = _seen((env, env.encode(), T0))
    revoked = _revise(revoked=True)("RS/officer-1")
    assert check_envelope(env, roster=revoked, at_ms=T0 + 10**9, seen=seen).duplicate


NEVER = make_envelope(NET, label="never2")  # an id nobody accepted


def test_client_skips_unknown_references_but_not_foreign_ones() -> None:
    amend = make_envelope(
        NET, "BA/officer-1", ("HR", "RS"), "link_test", {}, label="c", supersedes=NEVER.id
    )
    d = check_envelope(amend, roster=ROSTER, at_ms=T0, seen=SeenIndex(), reference_known=False)
    assert d.duplicate is False
    foreign = make_envelope(
        NET, "BA/officer-1", ("HR", "RS"), "link_test", {}, label="d", supersedes=RS_NOTICE.id
    )
    with pytest.raises(ProtocolError, match="amends only its own"):
        check_envelope(
            foreign,
            roster=ROSTER,
            at_ms=T0,
            seen=_seen((RS_NOTICE, RS_NOTICE.encode(), T0)),
            reference_known=False,
        )


def test_custom_skew_rules() -> None:
    env = make_envelope(NET, created_ms=T0 + 30_000)
    with pytest.raises(ProtocolError) as info:
        check_envelope(
            env, roster=ROSTER, at_ms=T0, seen=SeenIndex(), rules=Rules(max_future_skew_ms=10_000)
        )
    assert info.value.code == "clock_skew"


def _receipt(device: str, mid: bytes, at: int = T0) -> Receipt:
    return Receipt(1, mid, device, "delivered", at).signed(NET[device].sign)


MSG = make_envelope(NET)  # RS -> BA, HR
MSG_SEEN = _seen((MSG, MSG.encode(), T0))
RECEIPT_CASES: list[tuple[str, Receipt, Roster, SeenIndex, str | None]] = [
    ("accept", _receipt("HR/officer-1", MSG.id), ROSTER, MSG_SEEN, None),
    (
        "R13 auditor never signs receipts",
        _receipt("AUDIT/auditor-1", MSG.id),
        ROSTER,
        MSG_SEEN,
        "wrong_role",
    ),
    (
        "R13 revoked signer",
        _receipt("HR/officer-1", MSG.id),
        _revise(revoked=True)("HR/officer-1"),
        MSG_SEEN,
        "revoked_key",
    ),
    (
        "R15 bad signature",
        replace(_receipt("HR/officer-1", MSG.id), signature=bytes(64)),
        ROSTER,
        MSG_SEEN,
        "bad_signature",
    ),
    (
        "R16 unknown message",
        _receipt("HR/officer-1", make_envelope(NET, label="nope").id),
        ROSTER,
        MSG_SEEN,
        "unknown_reference",
    ),
    ("R16 not a recipient", _receipt("RS/feed-1", MSG.id), ROSTER, MSG_SEEN, "unknown_recipient"),
    (
        "R16 dated in the future",
        _receipt("HR/officer-1", MSG.id, T0 + 600_000),
        ROSTER,
        MSG_SEEN,
        "clock_skew",
    ),
]


@pytest.mark.parametrize(
    ("rc", "roster", "seen", "code"),
    [c[1:] for c in RECEIPT_CASES],
    ids=[c[0] for c in RECEIPT_CASES],
)
def test_receipt_rule(rc: Receipt, roster: Roster, seen: SeenIndex, code: str | None) -> None:
    if code is None:
        check_receipt(rc, roster=roster, at_ms=T0, seen=seen)
        return
    with pytest.raises(ProtocolError) as info:
        check_receipt(rc, roster=roster, at_ms=T0, seen=seen)
    assert info.value.code == code


def test_receipt_from_another_authenticated_device() -> None:
    with pytest.raises(ProtocolError) as info:
        check_receipt(
            _receipt("HR/officer-1", MSG.id),
            roster=ROSTER,
            at_ms=T0,
            seen=MSG_SEEN,
            authenticated="HR/feed-1",
        )
    assert info.value.code == "wrong_sender"


HUB = NET["HUB/hub-1"].sign


@pytest.mark.parametrize(
    ("event", "code"),
    [
        (LogEvent("hub_start", T0, "HUB/hub-1", b"", {"instance": "a"}).signed(HUB), None),
        (LogEvent("hub_start", T0, "HUB/hub-1", b"", {"instance": "a"}), "unsigned_event"),
        (
            replace(
                LogEvent("rejected", T0, "HUB/hub-1", b"", {"code": "x"}).signed(HUB), at_ms=T0 + 1
            ),
            "unsigned_event",
        ),
        (
            LogEvent("hub_start", T0, "RS/officer-1", b"", {}).signed(NET["RS/officer-1"].sign),
            "wrong_role",
        ),
        (LogEvent("hub_start", T0, "XX/hub-9", b"", {}).signed(HUB), "unknown_key"),
    ],
    ids=["signed", "unsigned", "edited after signing", "not a hub", "unknown hub"],
)
def test_hub_event_rule(event: LogEvent, code: str | None) -> None:
    decoded = LogEvent.decode(event.encode())  # the signature survives the round trip
    if code is None:
        check_hub_event(decoded, roster=ROSTER)
        return
    with pytest.raises(ProtocolError) as info:
        check_hub_event(decoded, roster=ROSTER)
    assert info.value.code == code


def test_network_fixture_is_consistent() -> None:
    assert isinstance(NET, Network) and ROSTER.get("HUB/hub-1") is not None
