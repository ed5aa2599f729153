"""The bench stays runnable: every module imports, and a tiny hub-only scenario runs.

Speed goals live in bench/ itself (`python -m bench`); this only checks the machinery
works end to end in a few seconds — no figure here is asserted against a target.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import bench
from bench.hubload.floor import floor
from bench.hubload.scenario import Load, hub_only
from tests.conftest import TIMEOUT_FACTOR
from tests.factories import make_envelope, make_network


def test_every_bench_module_imports() -> None:
    names = [m.name for m in pkgutil.walk_packages(bench.__path__, "bench.")]
    assert "bench.hubload.wire" in names
    for name in names:
        if name != "bench.__main__":  # runs the bench
            importlib.import_module(name)


def test_floor_measures_verify_and_frame_writes() -> None:
    net = make_network(suite="pq")
    env = make_envelope(net)
    key = net[env.device].sign.verify_key.raw
    got = floor(env, key, fanout=7, n=20)
    assert got["ed25519_verify_us"] > 0 and got["frame_write_us"] > 0
    want = got["ed25519_verify_us"] + 7 * got["frame_write_us"]
    assert abs(got["us_per_msg"] - want) < 1


def test_tiny_hub_only_scenario_delivers_everything(tmp_path: Path) -> None:
    load = Load(tmp_path / "home", count=10, drain_s=10 * TIMEOUT_FACTOR)
    res = hub_only(tmp_path, load=load)
    assert res["accepted"] == 20 and not res["refused"]
    # every message to every connected device (7: one per party, senders included), acked
    assert res["deliveries"] == res["expected_deliveries"] == 20 * 7
    assert res["hub_cpu_us_per_msg"] > 0
