"""Inspections and evaluation visits: quotas, reply deadlines, the Commission's schedule."""

from __future__ import annotations

from typing import Any

import pytest

from hotline.protocol import Notification, evaluate, load_preset, validate_body
from hotline.protocol.policy_base import Record
from hotline.protocol.verification import build_ledger
from tests.factories import T0, make_identity, make_network
from tests.treaty_cases import inspection_request, ms, record

VIENNA = load_preset("vienna-2011")
REGIONAL = load_preset("regional-2026")


def request(mid: str, sender: str, at: str, start: str, **kw: Any) -> Record:
    team = kw.pop("team", [{"name": "Insp.", "party": sender}])
    body = validate_body("inspection_request", inspection_request(start, sender, team=team, **kw))
    return record(mid, sender, "inspection_request", at, body)


def answer(mid: str, sender: str, at: str, to: str, decision: str = "accept") -> Record:
    body: dict[str, Any] = {"decision": decision}
    if decision == "refuse":
        body["reason"] = "Quota exhausted"
    return record(mid, sender, "inspection_response", at, body, in_reply_to=to)


def request_verdict(r: Record, history: list[Record], policy: Any = VIENNA, now: int = 0) -> Any:
    n = Notification(r.family, dict(r.body), r.at_ms, False, r.sender, r.recipients, r.id)
    return evaluate(n, policy, now or r.at_ms, history)


# Four requests to RS in 2027 from four parties: the fourth is beyond the quota of three.
SEASON = [
    request("a1", "HR", "2027-01-10T09:00", "2027-02-01"),
    request("a2", "BA", "2027-03-10T09:00", "2027-04-01"),
    request("a3", "ME", "2027-05-10T09:00", "2027-06-01"),
    request("a4", "MK", "2027-07-10T09:00", "2027-08-01"),
]


@pytest.mark.parametrize(
    ("i", "note"),
    [
        (0, "within quota: 0 of 3 used in 2027 (§75)"),
        (1, "within quota: 1 of 3 used in 2027 (§75)"),
        (2, "within quota: 2 of 3 used in 2027 (§75)"),
        (3, "quota exhausted: RS may decline (3 of 3 used in 2027, §75)"),
    ],
)
def test_a_fourth_request_to_the_same_party_in_one_year_is_quota_exhausted(
    i: int, note: str
) -> None:
    v = request_verdict(SEASON[i], SEASON[:i])
    assert note in v.notes and note in v.summary()
    assert v.details["quota"]["quota_exhausted"] is (i == 3)
    assert v.headline == f"inspection of RS requested by {SEASON[i].sender}"


def test_the_ledger_says_the_same_as_the_verdicts() -> None:
    ledger = build_ledger(SEASON, VIENNA)
    notes = [r.quota_note(VIENNA) for r in ledger.requests]
    assert notes[3].startswith("quota exhausted: RS may decline")
    (q,) = ledger.quotas
    assert (q.party, q.year, q.used, q.limit) == ("RS", 2027, 4, 3)
    regional = build_ledger(SEASON, REGIONAL).requests[3].quota_note(REGIONAL)
    assert regional == "within quota: 3 of 4 used in 2027 (Art. 9.1)"


def test_a_refused_request_does_not_count_and_other_years_are_separate() -> None:
    refused = [*SEASON[:3], answer("b1", "RS", "2027-05-10T10:00", "a3", "refuse")]
    v = request_verdict(SEASON[3], refused)
    assert "within quota: 2 of 3 used in 2027 (§75)" in v.notes
    next_year = request("c1", "AL", "2027-12-20T09:00", "2028-01-15")
    assert "within quota: 0 of 3 used in 2028 (§75)" in request_verdict(next_year, SEASON).notes


def test_one_a_year_from_the_same_inspecting_party() -> None:
    again = request("a5", "HR", "2027-02-10T09:00", "2027-03-01")
    v = request_verdict(again, SEASON[:1])
    assert "quota from HR exhausted: RS may decline (1 of 1 from HR in 2027, §76)" in v.notes


REPLIES = [
    ("2027-01-11T08:59:59", False),  # 23 h 59 min 59 s
    ("2027-01-11T09:00:00", False),  # exactly 24 h: within
    ("2027-01-11T09:00:01", True),
    ("2027-01-11T11:00:00", True),  # HR → RS answered two hours late
]


@pytest.mark.parametrize(("at", "late"), REPLIES, ids=[r[0] for r in REPLIES])
def test_inspection_reply_within_24_hours_under_vienna(at: str, late: bool) -> None:
    ans = answer("r1", "RS", at, "a1")
    n = Notification(ans.family, dict(ans.body), ans.at_ms, False, "RS", ans.recipients, "r1", "a1")
    v = evaluate(n, VIENNA, ans.at_ms, SEASON[:1])
    assert v.late is late and v.reply_deadline_ms == ms("2027-01-11T09:00")
    ledger = build_ledger([SEASON[0], ans], VIENNA)
    assert ledger.requests[0].late() is late
    if at.endswith("11:00:00"):
        assert "answered 26.0 h after the request: 2.0 h LATE" in v.notes
        assert "answered LATE" in v.summary()
    regional = evaluate(n, REGIONAL, ans.at_ms, SEASON[:1])
    assert regional.late is False  # 48 h under the example


def test_an_open_request_becomes_overdue_and_a_refusal_must_be_covered() -> None:
    ledger = build_ledger(SEASON[:1], VIENNA)
    assert ledger.requests[0].state(ms("2027-01-11T09:00")) == "open"
    assert ledger.requests[0].state(ms("2027-01-11T09:01")) == "overdue"
    ans = answer("r1", "RS", "2027-01-10T12:00", "a1", "refuse")
    n = Notification(ans.family, dict(ans.body), ans.at_ms, False, "RS", (), "r1", "a1")
    v = evaluate(n, VIENNA, ans.at_ms, SEASON[:1])
    assert any(w.startswith("the quota does not cover this refusal") for w in v.warnings)
    fourth = answer("r4", "RS", "2027-07-10T12:00", "a4", "refuse")
    n4 = Notification(fourth.family, dict(fourth.body), fourth.at_ms, False, "RS", (), "r4", "a4")
    covered = evaluate(n4, VIENNA, fourth.at_ms, SEASON)
    assert covered.warnings == ()
    assert "quota exhausted: RS may decline (3 of 3 used in 2027, §75)" in covered.notes


def test_answers_from_another_party_are_not_answers() -> None:
    stranger = answer("r1", "XK", "2027-01-10T10:00", "a1")
    assert build_ledger([SEASON[0], stranger], VIENNA).requests[0].decision is None


def evaluation(mid: str, sender: str, at: str, start: str) -> Record:
    body = validate_body(
        "evaluation_visit_request",
        {
            "evaluating": sender,
            "evaluated": "RS",
            "unit": "72nd Special Operations Brigade",
            "start": start,
            "end": start,
            "team": [{"name": "Insp.", "party": sender}],
        },
    )
    return record(mid, sender, "evaluation_visit_request", at, body)


def info(units: int, year: int = 2027) -> Record:
    body = {"year": year, "personnel": 28_000, "budget_eur": 1, "holdings": {}, "units": units}
    return record("i0", "RS", "annual_information", f"{year - 1}-12-10T09:00", body)


UNITS = [(59, 1), (60, 1), (61, 2), (120, 2), (121, 3), (5_000, 15)]


@pytest.mark.parametrize(("units", "quota"), UNITS)
def test_evaluation_quota_is_one_per_sixty_units_or_portion(units: int, quota: int) -> None:
    v = request_verdict(evaluation("e9", "BA", "2027-02-01T09:00", "2027-03-01"), [info(units)])
    assert f"within quota: 0 of {quota} used in 2027 (§109)" in v.notes


def test_evaluation_quota_unknown_without_units_and_small_quota_one_per_party() -> None:
    first = evaluation("e1", "BA", "2027-02-01T09:00", "2027-03-01")
    v = request_verdict(first, [])
    assert any(n.startswith("quota unknown: RS has reported no units for 2027") for n in v.notes)
    second = evaluation("e2", "BA", "2027-04-01T09:00", "2027-05-01")
    v = request_verdict(second, [info(95), first])  # quota 2 (< 5): one per evaluating party
    assert "quota from BA exhausted: RS may decline (1 of 1 from BA in 2027, §109)" in v.notes
    v = request_verdict(evaluation("e3", "HR", "2027-04-01T09:00", "2027-05-01"), [info(95), first])
    assert "within quota: 1 of 2 used in 2027 (§109)" in v.notes


def test_regional_commission_schedule_of_mixed_team_inspections() -> None:
    team = [{"name": "A", "party": "HR"}, {"name": "B", "party": "BA"}]
    ok = request("s1", "HR", "2027-09-01T09:00", "2027-10-05", team=team, scheduled=True)
    v = request_verdict(ok, SEASON, REGIONAL)
    assert (
        "Art. 9.4: Commission schedule — RS hosts its 2027 mixed-team inspection in month 10"
        in v.notes
    )
    assert "not counted against RS's quota (Commission schedule)" in v.notes
    assert v.warnings == ()
    lone = request("s2", "ME", "2027-09-02T09:00", "2027-06-05", scheduled=True)
    w = request_verdict(lone, [*SEASON, ok], REGIONAL).warnings
    assert any("hosts its scheduled inspection in month 10" in x for x in w)
    assert any("mixes at least 2 parties" in x for x in w)
    assert any("already requested (s1)" in x for x in w)
    vienna = request_verdict(ok, SEASON, VIENNA)
    assert any("'scheduled' is not a notion of vienna-2011" in n for n in vienna.notes)
    assert any(n.startswith("quota exhausted") for n in vienna.notes)


def test_feeds_send_inspections_only_when_listed() -> None:
    net = make_network()
    assert net.roster is not None
    plain = make_identity("RS/feed-2", "feed").entry()
    listed = make_identity("RS/feed-3", "feed", families=("inspection_request",)).entry()
    officer = net.roster.device("RS/officer-1", T0)
    assert not plain.may_send("inspection_request") and plain.may_send("annual_calendar")
    assert listed.may_send("inspection_request") and not listed.may_send("inspection_report")
    assert officer.may_send("inspection_report")
