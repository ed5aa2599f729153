"""`hotline demo`: plays to the end; one Ctrl-C stops everything (130), keys removed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TIMEOUT_FACTOR

pytestmark = pytest.mark.slow


def test_demo_plays_then_one_ctrl_c_stops_everything(tmp_path: Path) -> None:
    env = os.environ | {"TMPDIR": str(tmp_path)}  # where its temporary home goes
    proc = subprocess.Popen(
        [sys.executable, "-m", "hotline.client", "demo", "--no-console"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    out = []
    for line in proc.stdout:  # bounded by pytest's timeout
        out.append(line)
        if "created a seven-party network in" in line:
            home = Path(line.split(" in ", 1)[1].split(" (hub")[0])
            assert home.parent.stat().st_mode & 0o077 == 0  # 0700: it holds private keys
        if "network running" in line:
            break
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)  # an impatient second Ctrl-C changes nothing
    rest, err = proc.communicate(timeout=60 * TIMEOUT_FACTOR)
    text = "".join(out) + rest
    assert proc.returncode == 130, text + err
    assert "Traceback" not in err and "stopped." in err
    for family in ("military_activity", "drone_flight", "cyber_incident", "clarification_request",
                   "clarification_response", "hotline_message", "link_test"):  # fmt: skip
        assert family in text, family
    assert "RS/officer-1 acknowledged" in text and "NOT VERIFIED" not in text
    assert "scenario complete" in text
    assert not list(tmp_path.glob("hotline-demo-*"))  # every party's keys are gone
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(tmp_path) not in ps  # the hub and its redis-server too
