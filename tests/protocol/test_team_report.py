"""A mixed HR/BA/ME team report: one object, three parties' signatures, each checked."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hotline.protocol import validate_body
from hotline.protocol.constants import DOMAIN_TEAM_REPORT
from hotline.protocol.errors import (
    ExpiredKey,
    KeyError_,
    RevokedKey,
    SchemaError,
    SignatureError,
    WrongRole,
)
from hotline.protocol.roster import Roster
from hotline.protocol.verification_report import (
    judge_report,
    report_payload,
    sign_report,
    verify_report,
)
from tests.factories import T0, Network, make_network
from tests.treaty_cases import report_content

REQUEST = "019e7044-8800-7000-8000-0000000000aa"
NET = make_network()
assert NET.roster is not None
ROSTER: Roster = NET.roster


def signed_by(net: Network, *devices: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = body if body is not None else report_content(REQUEST)
    for d in devices:
        out = sign_report(out, d, net[d].sign)
    return out


FULL = signed_by(NET, "HR/officer-1", "BA/officer-1", "ME/officer-1")


def test_signed_by_all_three_parties_verifies() -> None:
    assert verify_report(FULL, ROSTER, T0) == ("BA", "HR", "ME")
    assert [s["device"] for s in FULL["signatures"]] == [
        "BA/officer-1",
        "HR/officer-1",
        "ME/officer-1",
    ]
    assert validate_body("inspection_report", FULL) == FULL
    assert report_payload(FULL).startswith(DOMAIN_TEAM_REPORT)


def test_signing_order_does_not_matter_and_resigning_replaces() -> None:
    other = signed_by(NET, "ME/officer-1", "HR/officer-1", "BA/officer-1")
    assert other == FULL
    again = sign_report(FULL, "HR/officer-1", NET["HR/officer-1"].sign)
    assert again == FULL  # Ed25519 is deterministic; one signature per device


def _revoke(device: str) -> Roster:
    devs = tuple(replace(d, revoked=True) if d.id == device else d for d in ROSTER.devices)
    return replace(ROSTER, devices=devs, _by_id={})


def _expire(device: str) -> Roster:
    devs = tuple(replace(d, valid_until_ms=T0 - 1) if d.id == device else d for d in ROSTER.devices)
    return replace(ROSTER, devices=devs, _by_id={})


def _tamper(body: dict[str, Any]) -> dict[str, Any]:
    return body | {"findings": "Nothing to report."}


def _foreign_signature(body: dict[str, Any]) -> dict[str, Any]:
    sigs = [dict(s) for s in body["signatures"]]
    sigs[0]["signature"] = sigs[1]["signature"]  # BA's slot holds HR's signature
    return body | {"signatures": sigs}


CASES = [
    (
        "a party on the team has not signed",
        signed_by(NET, "HR/officer-1", "BA/officer-1"),
        ROSTER,
        SignatureError,
        "ME has not signed",
    ),
    (
        "a party not on the team signed",
        signed_by(
            NET,
            "HR/officer-1",
            "BA/officer-1",
            "ME/officer-1",
            "RS/officer-1",
            body=report_content(REQUEST),
        ),
        ROSTER,
        SignatureError,
        "RS is not on the team",
    ),
    (
        "the findings changed after signing",
        _tamper(FULL),
        ROSTER,
        SignatureError,
        "does not verify",
    ),
    (
        "a signature in another device's slot",
        _foreign_signature(FULL),
        ROSTER,
        SignatureError,
        "BA/officer-1's signature does not verify",
    ),
    (
        "a feed signed for its party",
        signed_by(NET, "HR/officer-1", "BA/feed-1", "ME/officer-1"),
        ROSTER,
        WrongRole,
        "BA/feed-1 is a feed",
    ),
    (
        "a device not in the roster",
        signed_by(NET, "HR/officer-1", "BA/officer-1")
        | {
            "signatures": [
                *FULL["signatures"][:2],
                {"device": "ME/officer-9", "signature": "00" * 64},
            ]
        },
        ROSTER,
        KeyError_,
        "ME/officer-9 is not in roster",
    ),
    ("a revoked signer", FULL, _revoke("ME/officer-1"), RevokedKey, "revoked"),
    ("an expired signer", FULL, _expire("BA/officer-1"), ExpiredKey, "validity"),
]


@pytest.mark.parametrize(
    ("body", "roster", "error", "text"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_every_signature_is_checked_against_the_roster(
    body: dict[str, Any], roster: Roster, error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text):
        verify_report(body, roster, T0)
    found = judge_report(body, roster, T0)
    assert isinstance(found, error)


def test_two_devices_of_one_party_are_one_party_signing_twice() -> None:
    net = make_network()
    hr2 = "HR/officer-2"
    from tests.factories import make_identity

    net.ids[hr2] = make_identity(hr2)
    assert net.roster is not None
    roster = replace(net.roster, devices=(*net.roster.devices, net.ids[hr2].entry()), _by_id={})
    body = signed_by(net, "HR/officer-1", hr2, "BA/officer-1", "ME/officer-1")
    with pytest.raises(SignatureError, match="HR signed twice"):
        verify_report(body, roster, T0)


def test_malformed_signatures_are_schema_errors() -> None:
    bad = [
        {"signatures": []},
        {"signatures": [{"device": "HR/officer-1", "signature": "zz" * 64}]},
        {"signatures": [{"device": "HR/officer-1", "signature": "AB" * 64}]},
        {"signatures": [{"device": "HR", "signature": "ab" * 64}]},
        {"signatures": [FULL["signatures"][0], FULL["signatures"][0]]},
        {"signatures": [{"device": "HR/officer-1", "signature": "ab" * 64, "x": 1}]},
    ]
    for patch in bad:
        with pytest.raises(SchemaError):
            validate_body("inspection_report", FULL | patch)
    with pytest.raises(SchemaError, match="inspected party cannot be on the team"):
        validate_body(
            "inspection_report",
            FULL | {"team": [*FULL["team"], {"name": "Maj. Petrović", "party": "RS"}]},
        )
