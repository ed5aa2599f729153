"""``check_notice``: the one check behind ``hotline check``, compose and ``send``."""

from __future__ import annotations

import json
from typing import Any

from hotline.protocol import load_preset, validate_body
from hotline.protocol.policy_check import check_notice
from hotline.protocol.verification_report import sign_report
from tests.factories import T0, make_network
from tests.treaty_cases import AREA, inspection_request, ms, record, report_content

PRESETS = [load_preset("vienna-2011"), load_preset("regional-2026")]
ALL = ("AL", "BA", "HR", "ME", "MK", "RS", "XK")
NET = make_network()


def check(family: str, body: Any, sender: str = "HR", **kw: Any) -> Any:
    kw.setdefault("recipients", tuple(p for p in ALL if p != sender))
    at = kw.pop("at", T0)
    return check_notice(family, body, sender=sender, policies=PRESETS, at_ms=at, now_ms=at, **kw)


def test_the_reported_case_verdict_and_json() -> None:
    body = {"name": "Winter Shield", "start": "2027-01-12", "end": "2027-01-20", "area": AREA}
    c = check("military_activity", body | {"troops": 10_000}, at=ms("2026-12-01T21:32"))
    assert c.ok and c.errors == ()
    vienna = c.to_json()["verdicts"][0]
    assert vienna["due"] == "2026-12-01" and vienna["late"] is False
    assert "on time until the end of that day" in vienna["summary"]
    json.dumps(c.to_json())  # JSON all the way down


def test_invalid_body_gives_a_typed_error_and_no_verdict() -> None:
    c = check("military_activity", {"name": "x"})
    assert not c.ok and c.verdicts == ()
    assert c.errors[0].code == "schema_error" and c.errors[0].field == "start"


def test_context_errors() -> None:
    amend = {"name": "x", "start": "2027-01-12", "end": "2027-01-12", "area": AREA}
    c = check("military_activity", amend | {"action": "amend"})
    assert [e.code for e in c.errors] == ["policy_violation"] and "--supersedes" in c.errors[
        0
    ].message
    c = check("inspection_request", inspection_request(), sender="BA")
    assert any(e.field == "inspecting" for e in c.errors)
    c = check("inspection_request", inspection_request(), recipients=("BA",))
    assert any(e.code == "unknown_recipient" for e in c.errors)
    assert any("send requests to every party" in w for w in c.warnings) is False  # no roster
    c = check("inspection_response", {"decision": "accept"}, sender="RS")
    assert any(e.field == "in_reply_to" or "--reply-to" in e.message for e in c.errors)


def test_request_warnings_and_answers_only_from_the_requested_party() -> None:
    c = check("inspection_request", inspection_request(), recipients=("RS",), roster=NET.roster)
    assert any("send requests to every party (--to all): AL, BA" in w for w in c.warnings)
    req = record(
        "a1",
        "HR",
        "inspection_request",
        "2027-01-10T09:00",
        validate_body("inspection_request", inspection_request()),
    )
    c = check(
        "inspection_response", {"decision": "accept"}, sender="XK", history=[req], in_reply_to="a1"
    )
    assert any("only RS, the requested party" in e.message for e in c.errors)
    c = check(
        "inspection_response",
        {"decision": "accept"},
        sender="RS",
        history=[req],
        in_reply_to="a1",
        at=ms("2027-01-11T11:00"),
    )
    assert c.ok and c.verdicts[0].late is True and c.verdicts[1].late is False


def test_report_signatures_are_checked_when_a_roster_is_given() -> None:
    mid = "019e7044-8800-7000-8000-0000000000aa"
    body = report_content(mid)
    for d in ("HR/officer-1", "BA/officer-1"):
        body = sign_report(body, d, NET[d].sign)
    c = check("inspection_report", body, in_reply_to=mid, roster=NET.roster)
    assert [e.code for e in c.errors] == ["bad_signature"]
    assert "ME has not signed" in c.errors[0].message
    body = sign_report(body, "ME/officer-1", NET["ME/officer-1"].sign)
    c = check("inspection_report", body, in_reply_to=mid, roster=NET.roster)
    assert c.ok, c.errors
    assert "report on the inspection of RS by BA, HR, ME" in c.verdicts[0].summary()
    c = check("inspection_report", body, sender="BA", in_reply_to=mid, roster=NET.roster)
    assert any(e.field == "inspecting" for e in c.errors)
