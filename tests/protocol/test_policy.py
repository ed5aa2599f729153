from __future__ import annotations

import datetime as dt

import pytest

from hotline.protocol import Notification, evaluate, load_preset, validate_body
from hotline.protocol.errors import SchemaError
from tests.factories import AREA, SAMPLE_BODIES

VIENNA = load_preset("vienna-2011")
REGIONAL = load_preset("regional-2026")


def ms(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC).timestamp() * 1000)


def activity(troops: int, start: str = "2026-12-24", **kw: object) -> dict[str, object]:
    return validate_body(
        "military_activity",
        {
            "name": "Two battalions",
            "start": start,
            "end": start,
            "area": AREA,
            "troops": troops,
            **kw,
        },
    )


def test_presets_cite_their_source_and_regional_is_marked_example() -> None:
    assert "FSC.DOC/1/11" in VIENNA.source and not VIENNA.example
    assert REGIONAL.example and "EXAMPLE" in REGIONAL.source


def test_defender_europe_2025_is_notifiable_and_observable_under_both() -> None:
    body = validate_body(
        "military_activity",
        SAMPLE_BODIES["military_activity"] | {"start": "2025-05-01", "end": "2025-05-31"},
    )
    n = Notification("military_activity", body, ms("2025-02-01T00:00:00"))
    for policy in (VIENNA, REGIONAL):
        v = evaluate(n, policy, ms("2025-02-01T00:00:00"))
        assert v.notifiable and v.observation_required
        assert any("troops 25,000" in r for r in v.reasons)
        assert v.late is False


def test_two_battalions_notifiable_only_under_regional() -> None:
    n = Notification("military_activity", activity(1200), ms("2026-11-22T10:00:00"))
    assert not evaluate(n, VIENNA, 0).notifiable
    v = evaluate(n, REGIONAL, 0)
    assert v.notifiable and not v.observation_required
    assert v.due_date == "2026-12-03"
    assert "troops 1,200 ≥ 1,000" in v.summary() and "due by 2026-12-03" in v.summary()


def test_ten_days_before_start_is_late_under_vienna() -> None:
    n = Notification("military_activity", activity(10_000, "2026-06-10"), ms("2026-05-31T09:00:00"))
    v = evaluate(n, VIENNA, 0)
    assert v.notifiable and v.late is True
    assert v.due_date == "2026-04-29"
    assert "LATE" in v.summary()


def test_landing_thresholds_are_lower() -> None:
    body = activity(3200, kind="amphibious")
    assert evaluate(Notification("military_activity", body, 0), VIENNA, 0).notifiable
    assert not evaluate(Notification("military_activity", activity(3200), 0), VIENNA, 0).notifiable


def test_live_fire_drone_exercise_always_notifiable_regionally() -> None:
    body = activity(50, live_fire=True, drones=2)
    assert evaluate(Notification("military_activity", body, 0), REGIONAL, 0).notifiable
    assert not evaluate(Notification("military_activity", body, 0), VIENNA, 0).notifiable


JARINJE = {"type": "Point", "coordinates": [20.80, 43.167]}  # 43°10'N 20°48'E
BELGRADE = {"type": "Point", "coordinates": [20.4612, 44.8125]}
CROSSING = {"type": "LineString", "coordinates": [[20.60, 43.10], [21.00, 43.25]]}
FAR_ROUTE = {"type": "LineString", "coordinates": [[20.40, 44.70], [20.55, 44.85]]}


def test_geometry_against_known_places() -> None:
    from hotline.protocol.geo import border_distance

    j = border_distance(JARINJE)
    assert j.boundary == "RS–XK" and j.km < 5  # within a few km (1:50m line)
    b = border_distance(BELGRADE)
    assert 30 < b.km < 100  # tens of km
    assert border_distance(CROSSING).km == 0.0
    assert border_distance({"type": "Point", "coordinates": [19.10, 44.38]}).boundary == (
        "BA–RS"
    )  # Zvornik on the Drina


def test_drone_flight_border_zone_is_computed() -> None:
    base = dict(SAMPLE_BODIES["drone_flight"])
    near = validate_body("drone_flight", base | {"area": CROSSING})
    far = validate_body("drone_flight", base | {"area": FAR_ROUTE, "border_distance_km": 1})
    v = evaluate(Notification("drone_flight", near, 0), REGIONAL, 0)
    assert v.notifiable and v.details["boundary"] == "RS–XK"
    assert "within 0 km of the RS–XK boundary" in v.summary()
    fv = evaluate(Notification("drone_flight", far, 0), REGIONAL, 0)
    assert not fv.notifiable  # the sender's own figure does not override the geometry
    assert fv.details["border_distance_km"] > 15
    assert not evaluate(Notification("drone_flight", near, 0), VIENNA, 0).notifiable


def test_clarification_reply_deadline_and_overdue() -> None:
    body = validate_body("clarification_request", SAMPLE_BODIES["clarification_request"])
    sent = ms("2026-11-22T10:00:00")
    v = evaluate(Notification("clarification_request", body, sent), VIENNA, sent)
    assert v.reply_deadline_ms == sent + 48 * 3_600_000 and v.overdue is False
    later = evaluate(
        Notification("clarification_request", body, sent), VIENNA, sent + 49 * 3_600_000
    )
    assert later.overdue is True


def test_evaluate_is_deterministic() -> None:
    n = Notification("military_activity", activity(1200), 1)
    assert evaluate(n, REGIONAL, 5) == evaluate(n, REGIONAL, 5)


def test_unknown_preset() -> None:
    with pytest.raises(SchemaError, match="unknown preset"):
        load_preset("warsaw-1955")
