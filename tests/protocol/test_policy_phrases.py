"""Every verdict phrase has a code, parameters and exactly the English it always had."""

from __future__ import annotations

from typing import Any

import pytest

from hotline.protocol.policy import Notification, evaluate, load_preset
from hotline.protocol.policy_base import Record, Verdict
from hotline.protocol.policy_phrases import ENGLISH, Phrase, say
from tests.treaty_cases import inspection_request, ms

P = say  # shorter rows below


def _within(used: int = 1) -> Phrase:
    return say("quota.within", party="RS", used=used, limit=3, year=2027, cite="§75")


#: (code, parameters, the sentence the engine wrote before phrases had codes)
CASES: list[tuple[str, dict[str, Any], str]] = [
    ("always_exchanged", {}, "always exchanged"),
    ("activity.cancel", {}, "cancellation of a notified activity"),
    (
        "activity.rule",
        {
            "cite": "§40.1.1",
            "hits": [
                P("activity.figure", field="troops", value=9000, limit=9000),
                P("activity.live_fire_drones"),
            ],
        },
        "§40.1.1: troops 9,000 ≥ 9,000, live-fire exercise with drones",
    ),
    ("activity.figure", {"field": "battle_tanks", "value": 300, "limit": 250},
     "battle_tanks 300 ≥ 250"),
    ("activity.live_fire_drones", {}, "live-fire exercise with drones"),
    (
        "activity.formation_unstated",
        {"cite": "§40.1.1"},
        "§40.1.1: state the formation — the equipment figures count only for a divisional "
        "structure or at least two brigades/regiments (counted here, to be safe)",
    ),
    (
        "activity.formation_short",
        {
            "cite": "§40.1.1",
            "hits": [P("activity.figure", field="battle_tanks", value=300, limit=250)],
            "formation": "brigade",
        },
        "§40.1.1: battle_tanks 300 ≥ 250, but organised as brigade: the equipment figures "
        "need a divisional structure or two brigades",
    ),
    ("activity.border_zone", {"cite": "Art. 4.3", "km": 12.5, "boundary": "RS"},
     "Art. 4.3: in the border zone: 12.5 km from the RS boundary"),
    ("activity.border_zone_uncited", {"km": 12.0, "boundary": "HR"},
     "in the border zone: 12 km from the HR boundary"),
    (
        "activity.air_participation",
        {"cite": "§40.1.2", "sorties": 1240, "limit": 200},
        "§40.1.2: 1,240 sorties (≥ 200, helicopters excluded): describe the air participation "
        "(air_participation)",
    ),
    ("calendar.none", {"year": 2027, "party": "RS", "cite": "§61"},
     "not in an annual calendar: no 2027 calendar from RS on record (§61)"),
    ("calendar.not_listed", {"year": 2027, "party": "RS", "cite": "§61"},
     "not in RS's 2027 annual calendar (§61)"),
    ("calendar.listed", {"year": 2027, "party": "RS", "cite": "§61", "name": "Winter Shield"},
     "in RS's 2027 annual calendar as 'Winter Shield' (§61)"),
    (
        "calendar.required",
        {
            "cite": "§68",
            "figures": [
                P("calendar.figure", value=40000, field="troops"),
                P("calendar.figure", value=1000, field="battle_tanks"),
            ],
        },
        "§68: an activity above 40,000 troops or 1,000 battle tanks must have been in the "
        "annual calendar",
    ),
    ("calendar.figure", {"value": 40000, "field": "battle_tanks"}, "40,000 battle tanks"),
    ("drone.armed", {"cite": "Art. 5"}, "Art. 5: armed UAV"),
    ("drone.distance_unknown", {"cite": "Art. 5"},
     "Art. 5: distance to the border unknown: notify to be safe"),
    ("drone.near_boundary", {"cite": "Art. 5", "km": 3.2, "boundary": "RS", "zone": 10},
     "Art. 5: within 3.2 km of the RS boundary (zone 10 km)"),
    ("drone.near_border", {"cite": "Art. 5", "km": 3.0, "boundary": None, "zone": 10},
     "Art. 5: within 3 km of the border (zone 10 km)"),
    ("clarification.reply", {"cite": "Art. 7", "hours": 48}, "Art. 7: reply within 48 h"),
    ("hotline.acknowledge", {"cite": "Art. 8", "minutes": 10},
     "Art. 8: acknowledge within 10 min"),
    ("exchange.calendar_due", {"cite": "§10", "year": 2027, "date": "2026-11-15"},
     "§10: the 2027 calendar is due by 2026-11-15"),
    ("exchange.information_due", {"cite": "§11", "year": 2027, "date": "2026-12-15"},
     "§11: the 2027 annual information is due by 2026-12-15"),
    ("request.reply", {"cite": "§86", "party": "RS", "hours": 24},
     "§86: RS replies within 24 h"),
    ("request.inspection", {"requested": "RS", "requester": "HR"},
     "inspection of RS requested by HR"),
    ("request.evaluation", {"requested": "RS", "requester": "HR"},
     "evaluation visit of RS requested by HR"),
    ("request.not_on_record", {}, "the request is not on record here"),
    ("response.due", {"cite": "§86", "hours": 24},
     "§86: the answer is due within 24 h of the request"),
    ("response.unknown.inspection", {}, "answer to a inspection request"),
    ("response.unknown.evaluation", {}, "answer to a evaluation visit request"),
    ("response.inspection", {"decision": "accept", "requester": "HR"},
     "accept: answer to HR's inspection request"),
    ("response.evaluation", {"decision": "refuse", "requester": "HR"},
     "refuse: answer to HR's evaluation visit request"),
    ("response.on_time", {"took": 3.0}, "answered 3.0 h after the request: on time"),
    ("response.late", {"took": 26.04, "late": 2.04},
     "answered 26.0 h after the request: 2.0 h LATE"),
    ("response.refusal_uncovered", {"position": _within()},
     "the quota does not cover this refusal: within quota: 1 of 3 used in 2027 (§75)"),
    ("report.headline", {"inspected": "RS", "team": ["BA", "HR", "ME"]},
     "report on the inspection of RS by BA, HR, ME"),
    ("report.signed", {"devices": ["BA/officer-1", "HR/officer-1"]},
     "signed by BA/officer-1, HR/officer-1"),
    ("schedule.not_a_notion", {"policy": "vienna-2011"},
     "'scheduled' is not a notion of vienna-2011: counted against the quota"),
    ("schedule.no_month", {"cite": "Art. 9.4", "party": "XK"},
     "Art. 9.4: XK has no month in the Commission schedule"),
    ("schedule.wrong_month", {"cite": "Art. 9.4", "party": "RS", "month": 10},
     "Art. 9.4: RS hosts its scheduled inspection in month 10"),
    ("schedule.ok", {"cite": "Art. 9.4", "party": "RS", "year": 2027, "month": 10},
     "Art. 9.4: Commission schedule — RS hosts its 2027 mixed-team inspection in month 10"),
    ("schedule.team_too_small", {"cite": "Art. 9.4", "need": 2, "team": ["HR"]},
     "Art. 9.4: a scheduled team mixes at least 2 parties (['HR'])"),
    ("schedule.taken", {"cite": "Art. 9.4", "party": "RS", "year": 2027, "id": "s1"},
     "Art. 9.4: RS's scheduled inspection for 2027 is already requested (s1)"),
    ("quota.not_counted", {"party": "RS"},
     "not counted against RS's quota (Commission schedule)"),
    ("quota.unknown", {"party": "RS", "year": 2027},
     "quota unknown: RS has reported no units for 2027 (annual_information.units)"),
    ("quota.exhausted", {"party": "RS", "used": 3, "limit": 3, "year": 2027, "cite": "§75"},
     "quota exhausted: RS may decline (3 of 3 used in 2027, §75)"),
    (
        "quota.same_exhausted",
        {"party": "RS", "requester": "HR", "used": 1, "limit": 1, "year": 2027, "cite": "§76"},
        "quota from HR exhausted: RS may decline (1 of 1 from HR in 2027, §76)",
    ),
    ("quota.within", {"party": "RS", "used": 2, "limit": 3, "year": 2027, "cite": "§75"},
     "within quota: 2 of 3 used in 2027 (§75)"),
    ("register.ceiling",
     {"party": "RS", "category": "combat_aircraft", "projected": 26, "limit": 24},
     "RS combat aircraft: projected 26 exceeds the ceiling of 24"),
    ("register.growth",
     {"party": "HR", "category": "battle_tanks", "projected": 100, "share": 0.25, "year": 2024,
      "baseline": 75},
     "HR battle tanks: projected 100 is more than 25% above the 2024 baseline of 75"),
]  # fmt: skip


def test_every_code_has_a_row() -> None:
    assert sorted(c for c, _p, _t in CASES) == sorted(ENGLISH)


@pytest.mark.parametrize(("code", "params", "sentence"), CASES, ids=[c[0] for c in CASES])
def test_the_english_is_the_sentence_it_always_was(
    code: str, params: dict[str, Any], sentence: str
) -> None:
    assert say(code, **params).text == sentence


def test_an_unknown_code_is_a_bug_said_at_once() -> None:
    with pytest.raises(KeyError, match="no English template"):
        say("activity.nonsense")


VIENNA = load_preset("vienna-2011")


def _verdicts() -> list[Verdict]:
    activity = {
        "name": "Winter Shield",
        "start": "2031-01-12",
        "end": "2031-01-20",
        "troops": 10_000,
        "battle_tanks": 400,
        "aircraft_sorties": 240,
        "kind": "exercise",
        "action": "notify",
    }
    req = inspection_request()
    at = ms("2027-01-02T09:00")
    history = [Record(f"r{i}", "BA", "inspection_request", at, req) for i in range(3)]
    cases = [
        (Notification("military_activity", activity, ms("2030-12-01T10:00"), sender="RS"), []),
        (Notification("inspection_request", req, ms("2027-01-04T09:00"), sender="HR"), history),
        (
            Notification(
                "inspection_response",
                {"decision": "refuse"},
                ms("2027-01-03T10:00"),
                sender="RS",
                in_reply_to="r0",
            ),
            history,
        ),
        (Notification("annual_calendar", {"year": 2027, "activities": []}, 0), None),
    ]
    return [evaluate(n, VIENNA, 0, h) for n, h in cases]


@pytest.mark.parametrize("v", _verdicts(), ids=lambda v: v.headline or v.reasons[0][:20])
def test_a_verdict_says_each_phrase_once_beside_its_english(v: Verdict) -> None:
    assert [p.text for p in v.reason_phrases] == list(v.reasons) and v.reasons
    assert [p.text for p in v.note_phrases] == list(v.notes)
    assert [p.text for p in v.warning_phrases] == list(v.warnings)
    assert (v.headline_phrase.text if v.headline_phrase else "") == v.headline
    # the machine-stable form carries the English only, as it did before
    assert "reason_phrases" not in v.to_json() and v.to_json()["summary"] == v.summary()
