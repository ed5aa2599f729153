from __future__ import annotations

import datetime as dt
import random

from hotline.protocol.register import Notice, RegisterPolicy, build_register

POLICY = RegisterPolicy.load()


def ms(day: str) -> int:
    return int(dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp() * 1000)


def annual(i: str, party: str, day: str, year: int, **holdings: int) -> Notice:
    return Notice(
        i,
        party,
        "annual_information",
        ms(day),
        {"year": year, "personnel": 1, "budget_eur": 1, "holdings": holdings},
    )


def transfer(
    i: str,
    party: str,
    day: str,
    category: str,
    qty: int,
    status: str,
    system: str,
    direction: str = "acquisition",
    supersedes: str | None = None,
) -> Notice:
    return Notice(
        i,
        party,
        "arms_transfer",
        ms(day),
        {
            "category": category,
            "system": system,
            "quantity": qty,
            "supplier": "FR",
            "status": status,
            "direction": direction,
            "contract_date": day[:10],
        },
        supersedes,
    )


YEAR = [
    annual("rs-2024", "RS", "2024-01-15", 2024, combat_aircraft=14, battle_tanks=230),
    annual("hr-2024", "HR", "2024-01-20", 2024, combat_aircraft=10, battle_tanks=75),
    transfer("rs-uav", "RS", "2024-03-10", "armed_uav", 6, "contracted", "CH-95"),
    # Serbia's 12-Rafale contract, August 2024 (EUR 2.7bn)
    transfer("rs-rafale", "RS", "2024-08-29", "combat_aircraft", 12, "contracted", "Rafale"),
    # Croatia's Rafale: 6 delivered in 2024, the 12th in 2025
    transfer("hr-rafale-1", "HR", "2024-10-01", "combat_aircraft", 6, "delivered", "Rafale F3R"),
    transfer("hr-rafale-2", "HR", "2025-04-25", "combat_aircraft", 6, "delivered", "Rafale F3R"),
    transfer(
        "hr-tanks-out",
        "HR",
        "2025-05-01",
        "battle_tanks",
        30,
        "delivered",
        "M-84",
        direction="transfer",
    ),
]


def test_scripted_year_holdings_and_alerts() -> None:
    holdings, alerts = build_register(YEAR, POLICY)
    rs = holdings[("RS", "combat_aircraft")]
    assert (rs.baseline, rs.delivered, rs.contracted, rs.projected) == (14, 0, 12, 26)
    assert rs.sources == ["rs-2024", "rs-rafale"]
    hr = holdings[("HR", "combat_aircraft")]
    assert (hr.current, hr.projected) == (22, 22)
    assert holdings[("HR", "battle_tanks")].current == 45
    ceiling = [(a.party, a.category, a.notice_id) for a in alerts if a.kind == "ceiling"]
    assert ceiling == [("RS", "combat_aircraft", "rs-rafale")]  # exactly at the crossing
    growth = [(a.party, a.notice_id) for a in alerts if a.kind == "growth"]
    assert growth == [("RS", "rs-rafale"), ("HR", "hr-rafale-1")]  # once, not again


def test_same_notices_same_register_in_any_order() -> None:
    a = build_register(YEAR, POLICY)
    shuffled = YEAR[:]
    random.Random(7).shuffle(shuffled)
    b = build_register(shuffled, POLICY)
    assert {k: v.to_json(None) for k, v in a[0].items()} == {
        k: v.to_json(None) for k, v in b[0].items()
    }
    assert a[1] == b[1]


def test_new_baseline_contains_what_came_before_and_deliveries_complete_contracts() -> None:
    notices = [
        *YEAR,
        annual("rs-2025", "RS", "2025-01-15", 2025, combat_aircraft=14),
        transfer("rs-rafale-d", "RS", "2025-09-01", "combat_aircraft", 2, "delivered", "Rafale"),
    ]
    holdings, _ = build_register(notices, POLICY)
    h = holdings[("RS", "combat_aircraft")]
    assert (h.baseline, h.delivered, h.contracted) == (14, 2, 0)
    contract = [
        transfer("c", "ME", "2024-01-01", "armed_uav", 4, "contracted", "X"),
        transfer("d", "ME", "2024-06-01", "armed_uav", 4, "delivered", "X", supersedes="c"),
    ]
    holdings, _ = build_register(contract, POLICY)
    assert (holdings[("ME", "armed_uav")].delivered, holdings[("ME", "armed_uav")].contracted) == (
        4,
        0,
    )


def test_policy_is_marked_as_example() -> None:
    assert POLICY.example and "EXAMPLE" in POLICY.source
