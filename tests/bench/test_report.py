"""latest.md's ceilings: each target beside the most this design could reach here."""

from __future__ import annotations

from bench.report import headline, table


def _run(redis_us: float, audit_ceiling: int) -> dict[str, object]:
    return {
        "machine": {"cores": 2},
        "hub_floor": {"us_per_msg": 100.0, "ed25519_verify_us": 60.0, "hub_event_sign_us": 50.0},
        "hub_only": {
            "redis_us_per_msg": redis_us,
            "server_cores_busy": 1.0,
            "loadgen_cores_busy": 0.25,
        },
        "jetstream_like_for_like": {"msgs_per_s": 3000.0},
        "components": {"audit": {"floor_per_s_all_cores": audit_ceiling}},
    }


def test_a_ceiling_past_its_target_says_so_and_one_within_it_too() -> None:
    x = headline(_run(redis_us=200.0, audit_ceiling=25_000))
    assert x["hub_cpu_vs_floor_ceiling"] == 3.5  # (100 + 50 + 200) / 100
    assert x["hub_only_vs_jetstream_ceiling"] == round(1e6 / 310 / 3000, 2)
    assert x["hub_only_two_hubs_ceiling"] == 1.6  # 2 cores / 1.25 busy
    md = table(x)
    assert "| 3.5 | ≤ 3 | no |" in md and "| 25,000 | ≥ 20,000 | yes |" in md
    assert "| 1.6 | ≥ 1.7 | no |" in md
    cheap = headline(_run(redis_us=50.0, audit_ceiling=10_000))
    assert cheap["hub_cpu_vs_floor_ceiling"] == 2.0
    assert "| 2.0 | ≤ 3 | yes |" in table(cheap) and "| 10,000 | ≥ 20,000 | no |" in table(cheap)


def test_a_ceiling_whose_figures_did_not_run_is_unknown_not_reachable() -> None:
    x = headline({"machine": {"cores": 2}})
    assert x["hub_cpu_vs_floor_ceiling"] is None
    assert "| – | ≤ 3 | – |" in table(x)
