"""``hotline check``: sends nothing, prints every policy's verdict, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotline.client.store import Store
from tests.client.helpers import hotline


def test_cli_check_sends_nothing_and_prints_every_verdict(classic_home: Path) -> None:
    home = str(classic_home)

    def check(family: str, body: str, *more: str) -> Any:
        """``hotline check`` as RS/officer-1 of ``family`` with ``body``."""
        return hotline(
            "check", "--home", home, "--as", "RS", "--type", family, "--json", body, *more
        )

    body = {
        "name": "Winter Shield",
        "start": "2031-01-12",
        "end": "2031-01-20",
        "area": {"type": "Point", "coordinates": [19.8, 45.3]},
        "troops": 10_000,
        "aircraft_sorties": 240,
    }
    r = check("military_activity", json.dumps(body))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["ok"] and [v["policy"] for v in out["verdicts"]] == ["regional-2026", "vienna-2011"]
    assert any(w.startswith("vienna-2011: §40.1.2") for w in out["warnings"])
    assert "policy: notifiable under vienna-2011" in r.stderr
    only = ("--policy", "vienna-2011", "--to", "HR", "BA")
    r = check("military_activity", json.dumps(body), *only)
    assert [v["policy"] for v in json.loads(r.stdout)["verdicts"]] == ["vienna-2011"]
    r = check("inspection_response", '{"decision": "refuse"}')
    assert r.returncode == 1 and json.loads(r.stdout)["errors"][0]["field"] == "reason"
    assert r.stderr.strip().splitlines()[-1] == (
        "error: reason: is required: fix the body and check again"
    )
    r = check("link_test", "{oops")
    assert r.returncode == 2 and r.stderr.startswith("error: the body is not valid JSON")
    assert "Traceback" not in r.stderr
    outbox = Store(classic_home / "devices" / "RS" / "officer-1" / "store.sqlite")
    assert outbox.outbox_count() == 0 and outbox.sent() == []  # nothing was sent
    outbox.close()
