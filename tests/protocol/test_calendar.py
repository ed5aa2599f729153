"""Annual calendars and annual information: due per party and year; activities not in them."""

from __future__ import annotations

from typing import Any

import pytest

from hotline.protocol import Notification, evaluate, load_preset, validate_body
from hotline.protocol.calendar import exchange_status
from hotline.protocol.errors import SchemaError
from tests.treaty_cases import AREA, ms, record

VIENNA = load_preset("vienna-2011")
REGIONAL = load_preset("regional-2026")
PARTIES = ("HR", "RS")


def calendar(year: int = 2027, *names: str) -> dict[str, Any]:
    acts = [
        {"name": n, "start": f"{year}-06-0{i + 1}", "end": f"{year}-06-1{i}"}
        for i, n in enumerate(names)
    ]
    return validate_body("annual_calendar", {"year": year, "activities": acts})


def info(year: int) -> dict[str, Any]:
    body = {"year": year, "personnel": 1, "budget_eur": 1, "holdings": {}, "units": 70}
    return validate_body("annual_information", body)


def state(rows: list[Any], family: str, party: str, year: int) -> tuple[str, str]:
    (row,) = [r for r in rows if (r.family, r.party, r.year) == (family, party, year)]
    return row.state, row.due


STATES = [
    # (sent at, now, expected state of HR's 2027 calendar) — due 2026-11-15 under Vienna
    (None, "2026-11-15T23:00", "due"),
    (None, "2026-11-16T00:00", "overdue"),
    ("2026-11-15T23:59", "2026-12-01T00:00", "submitted"),
    ("2026-11-16T00:00", "2026-12-01T00:00", "late"),
]


@pytest.mark.parametrize(("sent", "now", "expected"), STATES)
def test_calendar_due_by_15_november_under_vienna(
    sent: str | None, now: str, expected: str
) -> None:
    recs = [record("c1", "HR", "annual_calendar", sent, calendar())] if sent else []
    rows = exchange_status(recs, PARTIES, VIENNA, ms(now), years=[2027])
    assert state(rows, "annual_calendar", "HR", 2027) == (expected, "2026-11-15")


def test_each_preset_has_its_own_dates() -> None:
    recs = [
        record("c1", "HR", "annual_calendar", "2026-11-05T10:00", calendar()),
        record("i1", "RS", "annual_information", "2027-01-20T10:00", info(2027)),
    ]
    now = ms("2027-02-01T00:00")
    v = exchange_status(recs, PARTIES, VIENNA, now, years=[2027])
    r = exchange_status(recs, PARTIES, REGIONAL, now, years=[2027])
    assert state(v, "annual_calendar", "HR", 2027) == ("submitted", "2026-11-15")
    assert state(r, "annual_calendar", "HR", 2027) == ("late", "2026-11-01")
    assert state(v, "annual_information", "RS", 2027) == ("late", "2026-12-15")
    assert state(r, "annual_information", "RS", 2027) == ("submitted", "2027-01-31")
    assert state(v, "annual_calendar", "RS", 2027) == ("overdue", "2026-11-15")
    years = {row.year for row in exchange_status(recs, PARTIES, VIENNA, now)}
    assert years == {2027, 2028}  # this year and next by default


def activity(name: str, troops: int, start: str = "2027-06-02") -> dict[str, Any]:
    body = {"name": name, "start": start, "end": start, "area": AREA, "troops": troops}
    return validate_body("military_activity", body)


def notes(body: dict[str, Any], history: Any, policy: Any = VIENNA) -> Any:
    n = Notification("military_activity", body, ms("2027-03-01"), sender="RS")
    return evaluate(n, policy, ms("2027-03-01"), history)


def test_an_activity_not_in_its_partys_calendar_gets_a_note() -> None:
    cal = [record("c1", "RS", "annual_calendar", "2026-11-10T10:00", calendar(2027, "Drina 27"))]
    listed = notes(activity("Drina 27", 10_000, "2027-09-01"), cal)
    assert "in RS's 2027 annual calendar as 'Drina 27' (§61)" in listed.notes
    overlapping = notes(activity("Other name", 10_000), cal)
    assert any("annual calendar as 'Drina 27'" in n for n in overlapping.notes)
    unlisted = notes(activity("Surprise", 10_000, "2027-09-01"), cal)
    assert "not in RS's 2027 annual calendar (§61)" in unlisted.notes
    none = notes(activity("Surprise", 10_000, "2027-09-01"), [])
    assert "not in an annual calendar: no 2027 calendar from RS on record (§61)" in none.notes
    assert notes(activity("Surprise", 10_000), None).notes == ()  # nothing held: no claim
    regional = notes(activity("Surprise", 10_000, "2027-09-01"), cal, REGIONAL)
    assert "not in RS's 2027 annual calendar (Art. 2.3)" in regional.notes


@pytest.mark.parametrize(("troops", "warned"), [(40_000, False), (40_001, True)])
def test_above_40000_troops_the_calendar_is_required(troops: int, warned: bool) -> None:
    v = notes(activity("Big", troops, "2027-09-01"), [])
    assert any(w.startswith("§68:") for w in v.warnings) is warned


def test_calendar_schema() -> None:
    assert calendar(2027)["activities"] == []  # a nil calendar is a calendar
    with pytest.raises(SchemaError, match=r"activities\[0\]\.start: must fall in 2027"):
        validate_body(
            "annual_calendar",
            {
                "year": 2027,
                "activities": [{"name": "x", "start": "2028-01-01", "end": "2028-01-02"}],
            },
        )
    with pytest.raises(SchemaError, match=r"activities\[0\]\.troops"):
        validate_body(
            "annual_calendar",
            {
                "year": 2027,
                "activities": [
                    {"name": "x", "start": "2027-01-01", "end": "2027-01-02", "troops": -1}
                ],
            },
        )


def test_exchange_verdicts_show_the_due_date() -> None:
    n = Notification("annual_calendar", calendar(), ms("2026-11-15T22:00"), sender="HR")
    v = evaluate(n, VIENNA, 0)
    assert v.due_date == "2026-11-15" and v.late is False
    assert "§61: the 2027 calendar is due by 2026-11-15" in v.summary()
