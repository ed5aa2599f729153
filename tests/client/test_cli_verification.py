"""``hotline verification show`` and ``hotline calendar show`` from the device's store."""

from __future__ import annotations

import json
from pathlib import Path

from hotline.client.store import Store
from tests.client.helpers import hotline
from tests.client.verification_seed import (
    seed,
)


def test_cli_verification_and_calendar_show(classic_home: Path) -> None:
    store = Store(classic_home / "devices" / "ME" / "officer-1" / "store.sqlite")
    seed(store, classic_home)
    store.close()
    home = str(classic_home)
    r = hotline("verification", "show", "--home", home, "--as", "ME", "--json")
    assert r.returncode == 0, r.stderr
    vienna = json.loads(r.stdout)["policies"]["vienna-2011"]
    (req,) = vienna["requests"]
    assert req["late"] is True and req["quota"] == "within quota: 0 of 3 used in 2027 (§75)"
    assert vienna["quotas"][0] | {"by_requester": None} == {
        "kind": "inspection",
        "party": "RS",
        "year": 2027,
        "limit": 3,
        "same_party_limit": 1,
        "used": 1,
        "by_requester": None,
        "cite": "§75",
    }
    r = hotline("verification", "show", "--home", home, "--as", "ME")
    assert "inspection  HR→RS" in r.stdout and "LATE" in r.stdout
    assert "✓ signed by BA/officer-1, HR/officer-1, ME/officer-1" in r.stdout
    r = hotline("calendar", "show", "--home", home, "--as", "ME", "--party", "RS", "--year", "2027")
    assert r.returncode == 0 and "RS     2027  Annual calendar" in r.stdout
    r = hotline(
        "calendar", "show", "--home", home, "--as", "ME", "--json", "--policy", "vienna-2011"
    )
    rows = json.loads(r.stdout)["vienna-2011"]
    assert {x["state"] for x in rows} <= {"submitted", "late", "due", "overdue"} and rows
