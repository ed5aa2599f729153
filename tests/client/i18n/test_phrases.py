"""Verdicts are translated from their phrases' codes, never by re-reading the English."""

from __future__ import annotations

import string
from collections.abc import Iterator

import pytest

from hotline.client.i18n import phrases as client_phrases
from hotline.client.i18n import use, verdict_text
from hotline.client.i18n.phrases import MESSAGES, phrase_text
from hotline.protocol.policy import Notification, evaluate, load_preset
from hotline.protocol.policy_base import Record
from hotline.protocol.policy_phrases import ENGLISH, say
from hotline.protocol.register import build_register
from tests.protocol.test_policy_phrases import CASES
from tests.protocol.test_register import POLICY, YEAR
from tests.treaty_cases import inspection_request, ms

VIENNA = load_preset("vienna-2011")


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    use("en")


def _fields(template: str) -> set[str]:
    return {f for _lit, f, _spec, _conv in string.Formatter().parse(template) if f}


def test_every_protocol_code_has_a_message_with_the_same_placeholders() -> None:
    assert set(MESSAGES) == set(ENGLISH), "client/i18n/phrases.py: add the new codes"
    for code, template in ENGLISH.items():
        assert _fields(MESSAGES[code]) == _fields(template), code


@pytest.mark.parametrize("lang", ["hr", "mk", "sq", "sr-Cyrl"])
def test_every_phrase_is_said_in_the_language(lang: str) -> None:
    """No phrase comes out in English (only the cites, codes and numbers are shared)."""
    use(lang)
    for code, params, english in CASES:
        said = phrase_text(say(code, **params))
        if code not in ("activity.rule", "activity.figure", "calendar.figure"):
            assert said != english, f"{lang}: {code} is shown in English"
        assert "{" not in said, f"{lang}: {code} left a placeholder: {said}"


def test_a_quota_note_in_macedonian() -> None:
    earlier = inspection_request("2027-03-01", "BA", team=[{"name": "A", "party": "BA"}])
    history = [Record("r1", "BA", "inspection_request", ms("2027-01-02T09:00"), earlier)]
    req = inspection_request()
    n = Notification("inspection_request", req, ms("2027-01-04T09:00"), sender="HR")
    v = evaluate(n, VIENNA, ms("2027-01-04T10:00"), history)
    assert "within quota: 1 of 3 used in 2027 (§75)" in v.summary()  # the JSON's English
    use("mk")
    text = verdict_text(v)
    assert text.startswith("според vienna-2011: HR бара инспекција кај RS (§86: RS одговара")
    assert "во рамки на квотата: 1 од 3 искористени во 2027 (§75)" in text
    assert "quota" not in text


def test_numbers_dates_and_labels_inside_a_phrase_follow_the_locale() -> None:
    use("hr")
    figure = say("activity.figure", field="battle_tanks", value=1250, limit=250)
    assert phrase_text(figure) == "borbeni tenkovi 1.250 ≥ 250"
    due = say("exchange.calendar_due", cite="§10", year=2027, date="2026-11-15")
    assert phrase_text(due) == "§10: kalendar za 2027 dostavlja se do 15. stu 2026."
    late = say("response.late", took=26.04, late=2.04)
    assert phrase_text(late) == "odgovoreno 26,0 h nakon zahtjeva: KAŠNJENJE 2,0 h"
    either = say(
        "calendar.required",
        cite="§68",
        figures=[say("calendar.figure", value=40000, field="troops")] * 2,
    )
    assert "40.000 vojnici ili 40.000 vojnici" in phrase_text(either)


def test_a_code_the_client_does_not_know_yet_is_shown_as_the_engine_said_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(client_phrases.MESSAGES, "drone.armed")  # type: ignore[attr-defined]
    use("hr")
    assert phrase_text(say("drone.armed", cite="Art. 5")) == "Art. 5: armed UAV"


def test_a_register_alert_is_said_in_the_officers_language() -> None:
    """The register's alerts are phrases too: English where it was, the officer's elsewhere."""
    _holdings, alerts = build_register(YEAR, POLICY)
    ceiling = next(a for a in alerts if a.kind == "ceiling")
    assert ceiling.message == "RS combat aircraft: projected 26 exceeds the ceiling of 24"
    use("hr")
    assert phrase_text(ceiling.phrase) == (
        "RS borbeni zrakoplovi: projekcija 26 premašuje gornju granicu od 24"
    )
    growth = next(a for a in alerts if a.kind == "growth")
    use("sr-Cyrl")
    said = phrase_text(growth.phrase)
    assert said.startswith(f"{growth.party} ") and "изнад основе" in said and "%" in said
