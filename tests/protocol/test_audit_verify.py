"""verify_bundle as a whole: several attacks in one bundle are all listed, in order."""

from __future__ import annotations

from hotline.protocol.audit import KINDS, verify_bundle
from tests.protocol.audit_factory import every_kind


def test_every_kind_of_finding_in_one_bundle_is_listed() -> None:
    data, party, expected = every_kind()
    rep = verify_bundle(data, trusted=party)
    assert sorted(rep.kinds(), key=str) == sorted(expected, key=str), rep.findings
    # listed in log order, the findings about the whole bundle first
    positions = [-1 if f.position is None else f.position for f in rep.findings]
    assert positions == sorted(positions)
    assert {k for k, _ in expected} == set(KINDS) - {"unreadable"}
    assert not rep.ok and rep.severity == "error"
    assert rep.first is not None and rep.first.severity == "error"


def test_the_split_does_not_change_the_findings() -> None:
    data, party, _ = every_kind()
    one = verify_bundle(data, trusted=party)
    for size in (1, 3, 7, 64):
        assert verify_bundle(data, trusted=party, chunk_entries=size).findings == one.findings


def test_summary_counts_per_kind_and_severity() -> None:
    data, party, expected = every_kind()
    s = verify_bundle(data, trusted=party).summary()
    assert s["rule_violation"] == {"error": 2}
    assert s["uncovered"] == {"warning": 1} and s["cosignature"] == {"warning": 1}
    assert sum(sum(v.values()) for v in s.values()) == len(expected)
