"""bench/client_checks.py stays runnable: a tiny run of both paths (no figure asserted)."""

from __future__ import annotations

from bench.client_checks import client_checks


def test_the_client_checks_bench_runs_both_paths() -> None:
    got = client_checks(n=3, suites=("classic",), rounds=1)["classic"]
    for burst in ("burst_1", "burst_64"):
        b = got[burst]
        assert b["us_per_message"] > 0 and b["us_per_message_without_checks"] > 0
        # the ratio is the two figures' (a bound on it would be a timing assertion: with
        # three messages one fsync stall made the path without checks 2x slower in CI)
        want = 1 - b["us_per_message_without_checks"] / b["us_per_message"]
        assert abs(b["ratio"] - want) < 0.01
    assert got["parts_cpu_us"]["hub_signature_us"] > 0
