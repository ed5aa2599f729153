"""The per-hop trace: off by default, one line per point when on, merged by message id."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bench.trace import hook
from bench.trace.merge import breakdown, read_points

ROOT = Path(__file__).resolve().parents[2]


def test_off_by_default_writes_nothing() -> None:
    assert os.environ.get(hook.ENV) is None
    assert not hook.enabled()
    assert hook.point("hub_receive", b"\x01" * 16) is None


def test_on_writes_one_line_per_point(tmp_path: Path) -> None:
    code = "from bench.trace import hook; hook.point('hub_receive', bytes(16), 'HR/officer-1')"
    env = {**os.environ, hook.ENV: str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    (f,) = tmp_path.glob("*.trace")
    hop, mid, mono, real, who = f.read_text().split()
    assert (hop, mid, who) == ("hub_receive", "00" * 16, "HR/officer-1")
    assert int(mono) > 0 and int(real) > 0


def test_merge_joins_processes_by_message_and_device(tmp_path: Path) -> None:
    m = "ab" * 16
    (tmp_path / "1.trace").write_text(f"client_submit {m} 1000000 0 -\n")
    (tmp_path / "2.trace").write_text(
        f"hub_receive {m} 3000000 0 -\n"
        f"hub_frame_written {m} 4000000 0 AL/officer-1\n"
        f"hub_frame_written {m} 9000000 0 BA/officer-1\n"
        "hub_receive torn-line\n"
    )
    assert set(read_points(tmp_path)[m]) == {"client_submit", "hub_receive", "hub_frame_written"}
    got = breakdown(tmp_path)
    assert got["chains"] == 2  # one per receiving device
    assert got["segments"]["client_submit→hub_receive"] == {"n": 2, "p50_ms": 2.0, "p99_ms": 2.0}
    seg = got["segments"]["hub_receive→hub_frame_written"]
    assert (seg["n"], seg["p50_ms"], seg["p99_ms"]) == (2, 6.0, 6.0)  # 1 ms and 6 ms
    assert got["total"]["n"] == 2
