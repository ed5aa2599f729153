"""Command 1 runs to the end: `hotline demo --exit --no-console`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_plays_the_scenario_to_the_end(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "hotline.client",
            "demo",
            "--exit",
            "--no-console",
            "--dir",
            str(tmp_path / "demo"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    for family in (
        "military_activity",
        "drone_flight",
        "cyber_incident",
        "clarification_request",
        "clarification_response",
        "hotline_message",
        "link_test",
    ):
        assert f"{family}" in out and "accepted" in out, family
    assert "RS/officer-1 acknowledged" in out
    assert "NOT VERIFIED" not in out
    assert "scenario complete" in out
    # the hub and its embedded redis-server are gone afterwards
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path / "demo") not in ps
