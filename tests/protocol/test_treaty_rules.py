"""The presets read like the treaty: one row per paragraph and boundary (under, at, over).

Each row: preset, the paragraph it exercises, the body (on top of a small exercise that
trips nothing), and what the verdict must say — notifiable, observation, and the cite
that must (or must not) appear among the reasons or warnings.
"""

from __future__ import annotations

from typing import Any

import pytest

from hotline.protocol import Notification, evaluate, load_preset, validate_body
from tests.treaty_cases import AREA, DEFENDER_EUROPE_2025, ms

VIENNA = load_preset("vienna-2011")
REGIONAL = load_preset("regional-2026")
PRESETS = {"vienna": VIENNA, "regional": REGIONAL}
EARLY = ms("2026-01-01")  # long before any start below: never late


def activity(**kw: Any) -> dict[str, Any]:
    base = {"name": "Case", "start": "2027-01-12", "end": "2027-01-20", "area": AREA}
    return validate_body("military_activity", base | kw)


def verdict(preset: str, body: dict[str, Any], at: int = EARLY) -> Any:
    return evaluate(Notification("military_activity", body, at), PRESETS[preset], at)


DIV = {"formation": "division"}
TWO = {"formation": "two_brigades"}
AIR = {"air_participation": "24 fighter and 6 transport aircraft, 2 AWACS sorties a day"}

# (preset, paragraph, body fields, notifiable, observation)
NOTIFICATION = [
    ("vienna", "§40.1.1", {"troops": 8_999}, False, False),
    ("vienna", "§40.1.1", {"troops": 9_000}, True, False),
    ("vienna", "§40.1.1", {"troops": 9_001}, True, False),
    ("vienna", "§40.1.1", {"battle_tanks": 249, **DIV}, False, False),
    ("vienna", "§40.1.1", {"battle_tanks": 250, **DIV}, True, False),
    ("vienna", "§40.1.1", {"battle_tanks": 251, **DIV}, True, False),
    ("vienna", "§40.1.1", {"acv": 499, **TWO}, False, False),
    ("vienna", "§40.1.1", {"acv": 500, **TWO}, True, True),  # §47.4 ACV figure is also 500
    ("vienna", "§40.1.1", {"acv": 501, **TWO}, True, True),
    ("vienna", "§40.1.1", {"artillery": 249, **DIV}, False, False),
    ("vienna", "§40.1.1", {"artillery": 250, **DIV}, True, True),
    ("vienna", "§40.1.1", {"artillery": 251, **DIV}, True, True),
    # the formation condition: a single brigade's tanks do not count
    ("vienna", "§40.1.1", {"battle_tanks": 251, "formation": "brigade"}, False, False),
    ("vienna", "§40.2", {"troops": 2_999, "kind": "amphibious"}, False, False),
    ("vienna", "§40.2", {"troops": 3_000, "kind": "amphibious"}, True, False),
    ("vienna", "§40.2", {"troops": 3_001, "kind": "airborne"}, True, False),
    ("vienna", "§40.2", {"troops": 3_001, "kind": "exercise"}, False, False),
    ("vienna", "§40.3", {"troops": 8_999, "kind": "transfer"}, False, False),
    ("vienna", "§40.3", {"troops": 9_000, "kind": "transfer"}, True, False),
    ("vienna", "§40.3", {"troops": 9_001, "kind": "concentration"}, True, False),
    ("vienna", "§40.3", {"battle_tanks": 250, "kind": "concentration", **DIV}, True, False),
    ("vienna", "§40.3", {"battle_tanks": 249, "kind": "movement", **TWO}, False, False),
    # §40.1.2: sorties are never a trigger of their own
    ("vienna", "§40.1.2", {"aircraft_sorties": 199}, False, False),
    ("vienna", "§40.1.2", {"aircraft_sorties": 200}, False, False),
    ("vienna", "§40.1.2", {"aircraft_sorties": 5_000}, False, False),
    ("regional", "Art. 3.1", {"troops": 999}, False, False),
    ("regional", "Art. 3.1", {"troops": 1_000}, True, False),
    ("regional", "Art. 3.1", {"troops": 1_001}, True, False),
    ("regional", "Art. 3.1", {"battle_tanks": 24}, False, False),
    ("regional", "Art. 3.1", {"battle_tanks": 25}, True, False),  # no formation condition
    ("regional", "Art. 3.1", {"aircraft_sorties": 19}, False, False),
    ("regional", "Art. 3.1", {"aircraft_sorties": 20}, True, False),  # a regional trigger
    ("regional", "Art. 3.1", {"aircraft_sorties": 21}, True, False),
    ("regional", "Art. 3.2", {"troops": 299, "kind": "airborne"}, False, False),
    ("regional", "Art. 3.2", {"troops": 300, "kind": "airborne"}, True, False),
    ("regional", "Art. 3.2", {"troops": 301, "kind": "amphibious"}, True, False),
    ("regional", "Art. 3.3", {"live_fire": True, "drones": 0}, False, False),
    ("regional", "Art. 3.3", {"live_fire": True, "drones": 1}, True, False),
    ("regional", "Art. 3.3", {"live_fire": False, "drones": 1}, False, False),
]


@pytest.mark.parametrize(
    ("preset", "cite", "fields", "notifiable", "observed"),
    NOTIFICATION,
    ids=[f"{r[0]} {r[1]} {r[2]}" for r in NOTIFICATION],
)
def test_notification_paragraphs(
    preset: str, cite: str, fields: dict[str, Any], notifiable: bool, observed: bool
) -> None:
    v = verdict(preset, activity(**fields))
    assert v.notifiable is notifiable, v.summary()
    assert v.observation_required is observed, v.summary()
    cited = any(r.startswith(f"{cite}:") for r in v.reasons)
    assert cited is notifiable, v.reasons


OBSERVATION = [
    ("vienna", "§47.4", {"troops": 12_999}, False),
    ("vienna", "§47.4", {"troops": 13_000}, True),
    ("vienna", "§47.4", {"troops": 13_001}, True),
    ("vienna", "§47.4", {"battle_tanks": 299, **DIV}, False),
    ("vienna", "§47.4", {"battle_tanks": 300, **DIV}, True),
    ("vienna", "§47.4", {"battle_tanks": 301, **DIV}, True),
    ("vienna", "§47.4", {"troops": 13_000, "kind": "transfer"}, False),  # transfers: no
    ("vienna", "§47.4", {"troops": 13_000, "kind": "concentration"}, True),
    ("vienna", "§47.5", {"troops": 3_499, "kind": "amphibious"}, False),
    ("vienna", "§47.5", {"troops": 3_500, "kind": "amphibious"}, True),
    ("vienna", "§47.5", {"troops": 3_501, "kind": "airborne"}, True),
    ("regional", "Art. 5.1", {"troops": 2_999}, False),
    ("regional", "Art. 5.1", {"troops": 3_000}, True),
    ("regional", "Art. 5.1", {"troops": 3_001}, True),
    ("regional", "Art. 5.2", {"troops": 999, "kind": "amphibious"}, False),
    ("regional", "Art. 5.2", {"troops": 1_000, "kind": "amphibious"}, True),
    ("regional", "Art. 5.2", {"troops": 1_001, "kind": "airborne"}, True),
]


@pytest.mark.parametrize(
    ("preset", "cite", "fields", "observed"),
    OBSERVATION,
    ids=[f"{r[0]} {r[1]} {r[2]}" for r in OBSERVATION],
)
def test_observation_paragraphs(
    preset: str, cite: str, fields: dict[str, Any], observed: bool
) -> None:
    v = verdict(preset, activity(**fields))
    assert v.observation_required is observed, v.summary()
    assert any(r.startswith(f"{cite}:") for r in v.details["observation"]) is observed


# §41 (and the regional Art. 4): a start on 12 January 2027 is due on 1 December 2026
# (42 days) / 22 December 2026 (21 days), on time at any hour of that day.
NOTICE = [
    ("vienna", "2026-11-30T23:59:59", "2026-12-01", False),
    ("vienna", "2026-12-01T00:00:00", "2026-12-01", False),
    ("vienna", "2026-12-01T21:32:00", "2026-12-01", False),  # the reported bug
    ("vienna", "2026-12-01T23:59:59.999", "2026-12-01", False),
    ("vienna", "2026-12-02T00:00:00", "2026-12-01", True),
    ("regional", "2026-12-21T10:00:00", "2026-12-22", False),
    ("regional", "2026-12-22T23:00:00", "2026-12-22", False),
    ("regional", "2026-12-23T00:00:00", "2026-12-22", True),
]


@pytest.mark.parametrize(("preset", "sent", "due", "late"), NOTICE, ids=[r[1] for r in NOTICE])
def test_notice_period_is_a_calendar_day_rule(preset: str, sent: str, due: str, late: bool) -> None:
    v = verdict(preset, activity(troops=10_000), ms(sent))
    assert v.due_date == due and v.late is late
    if late:
        assert f"due by {due} — LATE" in v.summary()
    else:
        assert f"due by {due} (on time until the end of that day, UTC)" in v.summary()
        assert "LATE" not in v.summary()


AIR_ROWS = [
    ({"troops": 9_000, "aircraft_sorties": 199}, False),
    ({"troops": 9_000, "aircraft_sorties": 200}, True),
    ({"troops": 9_000, "aircraft_sorties": 201}, True),
    ({"troops": 9_000, "aircraft_sorties": 201, **AIR}, False),  # described: no warning
    ({"troops": 100, "aircraft_sorties": 201}, False),  # not due anyway: nothing to describe
]


@pytest.mark.parametrize(("fields", "warned"), AIR_ROWS, ids=[str(r[0]) for r in AIR_ROWS])
def test_air_participation_is_a_warning_never_a_trigger(
    fields: dict[str, Any], warned: bool
) -> None:
    v = verdict("vienna", activity(**fields))
    assert v.notifiable is (fields["troops"] >= 9_000)
    assert not any(r.startswith("§40.1.2") for r in v.reasons)
    assert any(w.startswith("§40.1.2:") for w in v.warnings) is warned


def test_unstated_formation_counts_to_be_safe_with_a_warning() -> None:
    v = verdict("vienna", activity(battle_tanks=300))
    assert v.notifiable and any("state the formation" in w for w in v.warnings)
    stated = verdict("vienna", activity(battle_tanks=300, formation="brigade"))
    assert not stated.notifiable and any("organised as brigade" in n for n in stated.notes)


def test_defender_europe_2025() -> None:
    body = validate_body("military_activity", DEFENDER_EUROPE_2025)
    for preset in ("vienna", "regional"):
        v = verdict(preset, body, ms("2025-02-01T09:00"))
        assert v.notifiable and v.observation_required and v.late is False
        assert any("troops 25,000" in r for r in v.reasons)
    assert verdict("vienna", body, ms("2025-03-24T18:00")).late is False  # §41: 42 days
    assert verdict("vienna", body, ms("2025-03-25T00:00")).late is True


def test_every_rule_in_every_policy_file_cites_its_paragraph() -> None:
    import json
    from importlib import resources

    def rules(node: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
        out = []
        if isinstance(node, dict):
            keys = ("figures", "days", "hours", "per_year", "due", "sorties", "units_per_visit")
            keys += ("share", "live_fire_drones", "months", "required_above")
            if any(k in node for k in keys):
                out.append((path, node))
            for k, v in node.items():
                out += rules(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                out += rules(v, f"{path}[{i}]")
        return out

    folder = resources.files("hotline.protocol").joinpath("policies")
    for name in ("vienna-2011", "regional-2026"):
        doc = json.loads(folder.joinpath(f"{name}.json").read_text("utf-8"))
        found = rules(doc, name)
        assert len(found) >= 14
        for path, rule in found:
            assert rule.get("cite"), f"{path} cites no paragraph"
        for section in ("drone_flight", "clarification", "hotline_message"):
            assert doc[section].get("cite"), f"{name}.{section} cites nothing"
    reg = json.loads(folder.joinpath("register-florence-example.json").read_text("utf-8"))
    assert set(reg["cites"]) == {"growth_share", "ceilings"}
    assert load_preset("regional-2026").example and "EXAMPLE" in REGIONAL.title


def test_import_protocol_loads_no_geometry() -> None:
    import subprocess
    import sys

    code = "import sys, hotline.protocol; print('numpy' in sys.modules, 'shapely' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
