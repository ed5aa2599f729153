"""The FLASH-under-attack scenario runs end to end and reports its headline keys.

Tiny numbers (one second of FLASH, a handful of attack sockets): this checks the
machinery — hub, load generator, attacker process, /metrics scrape — not a figure.
"""

from __future__ import annotations

from pathlib import Path

from bench.attacks import flash_under_attack
from bench.report import headline

KEYS = (
    "flash_p50_ms_no_attack",
    "flash_p99_ms_no_attack",
    "flash_p50_ms_under_attack",
    "flash_p99_ms_under_attack",
    "attack_lost",
)


def test_flash_under_attack_reports_both_phases(tmp_path: Path) -> None:
    # a short drain: a stopping hub otherwise waits 5 s for the connections it closes
    fast = {"HOTLINE_HUB_DRAIN_S": "0.5"}
    res = flash_under_attack(tmp_path, duration=1, idle=3, slow=1, warmup_s=0.3, hub_env=fast)
    hit = res["under_attack"]
    assert res["no_attack"]["accepted"] == hit["accepted"] == 10
    # every attack of the mix ran and was answered by the hub (outcomes are its answers)
    assert {"ws_bomb", "rest_junk", "rest_proof", "idle", "proof_flood"} <= set(hit["tally"])
    assert "hotline_internal_errors_total" not in hit["hub_counters"]
    latest = headline({"flash_attack": res})
    assert all(latest[k] is not None for k in KEYS), latest["null_because"]
    assert latest["attack_lost"] == 0
