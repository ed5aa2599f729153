"""Verification from the device's store: the ledger and when lateness is judged.

Where users look at it: test_cli_check.py, test_cli_verification.py, test_cli_messages.py,
console/test_verification.py and console/test_compose.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from hotline.client.home import Home
from hotline.client.store import Store
from hotline.client.verification import build_view, record_time
from tests.client.verification_seed import (
    NOW,
    POLICIES,
    REP,
    seed,
)


def test_the_ledger_from_a_devices_store(classic_home: Path, tmp_path: Path) -> None:
    home = Home(classic_home)
    store = Store(tmp_path / "store.sqlite")
    seed(store, classic_home)
    view = build_view(store, home.roster(NOW), "ME", POLICIES, NOW)
    (st,) = view.ledgers["vienna-2011"].requests  # the unverified copy is not counted
    assert (st.requester, st.requested, st.state(NOW), st.late()) == ("HR", "RS", "accepted", True)
    assert st.reports == [REP]
    (rep,) = view.reports
    assert rep.problem is None and rep.signers == ("BA/officer-1", "HR/officer-1", "ME/officer-1")
    assert view.ledgers["regional-2026"].requests[0].late() is False  # 48 h
    cal = {(e.family, e.party, e.year): e.state for e in view.exchanges["vienna-2011"]}
    assert cal[("annual_calendar", "RS", 2027)] == "overdue"
    json.dumps(view.to_json())
    store.close()


def test_lateness_is_judged_at_one_time_the_accept_time_when_known() -> None:
    assert record_time({"created_ms": 5}) == 5
    assert record_time({"created_ms": 5, "accepted_ms": 9}) == 9
    assert record_time(SimpleNamespace(created_ms=5, accepted_ms=None)) == 5  # type: ignore[arg-type]
    assert record_time(SimpleNamespace(created_ms=5, accepted_ms=7)) == 7  # type: ignore[arg-type]
