"""Findings: one per problem, in log order, counted per kind and severity."""

from __future__ import annotations

from hotline.protocol.audit import AuditReport, finding
from hotline.protocol.audit.findings import merge_findings


def test_two_checks_seeing_one_problem_give_one_row() -> None:
    a = finding("edited", "differs from the entry the hub signed", 5, "5-0")
    b = finding("edited", "the entry does not decode: x", 5, "5-0")
    (one,) = merge_findings([[a], [b, a]])
    assert one.detail == "differs from the entry the hub signed; the entry does not decode: x"


def test_bundle_level_findings_stay_apart_and_come_first() -> None:
    got = merge_findings(
        [
            [finding("missing", "gone", 3)],
            [finding("cosignature", "record 1: bad"), finding("cosignature", "record 2: bad")],
            [finding("inserted", "forged", 1)],
        ]
    )
    assert [(f.kind, f.position) for f in got] == [
        ("cosignature", None),
        ("cosignature", None),
        ("inserted", 1),
        ("missing", 3),
    ]


def test_an_error_outranks_a_warning_of_the_same_problem() -> None:
    w = finding("unsigned", "no signature", 2, severity="warning")
    e = finding("unsigned", "bad signature", 2)
    (one,) = merge_findings([[w, e]])
    assert one.severity == "error"


def test_report_properties() -> None:
    warn = finding("uncovered", "2 newest", 9)
    err = finding("replay", "again", 4)
    rep = AuditReport(10, 2, 9, 1, 2, merge_findings([[warn, err]]))
    assert not rep.ok and rep.severity == "error" and rep.first == err
    assert rep.summary() == {"replay": {"error": 1}, "uncovered": {"warning": 1}}
    only_warn = AuditReport(10, 2, 9, 1, 2, (warn,))
    assert only_warn.ok and only_warn.severity == "warning" and only_warn.first == warn
    assert AuditReport(0, 0, 0, 0).severity is None
    assert err.line() == "entry 4: replay: again" and err.to_json()["kind"] == "replay"
