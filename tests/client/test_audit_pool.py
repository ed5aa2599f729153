"""Audit verification in a process pool reports exactly what the single-core path does."""

from __future__ import annotations

from hotline.client.audit_pool import verify_on_all_cores
from hotline.protocol.audit import verify_bundle
from tests.protocol.audit_factory import every_kind


def test_pool_and_single_core_report_identical_findings() -> None:
    data, party, expected = every_kind()
    single = verify_bundle(data, trusted=party)
    pooled = verify_on_all_cores(data, trusted=party, workers=2, chunk_entries=4)
    assert pooled.findings == single.findings
    assert sorted(pooled.kinds(), key=str) == sorted(expected, key=str)
    assert (pooled.entries, pooled.covered, pooled.checkpoints, pooled.cosignatures) == (
        single.entries,
        single.covered,
        single.checkpoints,
        single.cosignatures,
    )


def test_one_worker_runs_in_this_process() -> None:
    data, party, _ = every_kind()
    assert verify_on_all_cores(data, party, workers=1) == verify_bundle(data, party)
