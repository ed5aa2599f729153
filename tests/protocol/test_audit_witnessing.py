"""Cosignatures: a history rewritten and re-signed with the hub key fails on its own."""

from __future__ import annotations

from dataclasses import replace

from hotline.protocol.audit import AuditOptions, verify_bundle
from hotline.protocol.events import LogEvent
from tests.protocol.audit_factory import HUB, Log, bundle, cosign, make_log, signed_checkpoints


def history() -> Log:
    log = make_log()
    for _ in range(9):
        log.send("RS/officer-1")
    return log


def rewritten(log: Log) -> list[bytes]:
    """The operator drops entry 4 and re-signs everything with the hub's own key."""
    out = []
    for data in [*log.events[:4], *log.events[5:]]:
        ev = LogEvent.decode(data)
        out.append(replace(ev, at_ms=ev.at_ms + 1).signed(log.net[HUB].sign).encode())
    return out


def test_rewritten_and_resigned_history_fails_with_no_outside_input() -> None:
    log = history()
    events = rewritten(log)
    cps = signed_checkpoints(log, events=events)
    data = bundle(log, entries=log.entries(events), checkpoints=cps, cosignatures=[])
    rep = verify_bundle(data)
    # self-consistent and hub-signed throughout — but no party witnessed it
    assert rep.kinds() == [("too_few_cosignatures", 8)]
    assert "cosigned by 0 parties (none); 2 required" in rep.findings[0].detail


def test_rewritten_history_against_what_parties_kept() -> None:
    log = history()
    honest_cps = signed_checkpoints(log)
    kept = cosign(log, honest_cps[1], ["BA/officer-1", "HR/officer-1"])  # at 8 entries
    events = rewritten(log)
    cps = signed_checkpoints(log, events=events)
    # the parties' earlier cosignatures travel in the export: they name another root
    data = bundle(log, entries=log.entries(events), checkpoints=cps, cosignatures=kept)
    rep = verify_bundle(data)
    assert rep.kinds() == [("fork", 7), ("too_few_cosignatures", 8)]
    assert "a checkpoint BA cosigned" in rep.findings[0].detail
    # and a checkpoint a party saved (hotline audit checkpoint) says the same
    alone = bundle(log, entries=log.entries(events), checkpoints=cps, cosignatures=[])
    rep = verify_bundle(alone, trusted=[honest_cps[1]])
    assert rep.kinds() == [("fork", 7), ("too_few_cosignatures", 8)]
    assert "a checkpoint a party kept" in rep.findings[0].detail
    rep = verify_bundle(alone, trusted=[honest_cps[-1]])  # it held 10 entries; 9 are left
    assert rep.kinds() == [("too_few_cosignatures", 8), ("truncated", 9)]


def test_quorum_counts_parties_and_can_be_relaxed() -> None:
    log = history()
    one = bundle(log, cosigners=["HR/officer-1", "HR/feed-1"])  # two devices, one party
    assert verify_bundle(one).kinds() == [("too_few_cosignatures", 9)]
    assert verify_bundle(one, options=AuditOptions(cosigning_quorum=1)).findings == ()
    relaxed = verify_bundle(one, options=AuditOptions(uncosigned_is_warning=True))
    assert [(f.kind, f.severity) for f in relaxed.findings] == [("too_few_cosignatures", "warning")]
    assert relaxed.ok and relaxed.severity == "warning"


def test_a_cosignature_that_does_not_verify_is_ignored_and_reported() -> None:
    log = history()
    cps = signed_checkpoints(log)
    good = cosign(log, cps[-1], ["BA/officer-1", "HR/officer-1"])
    forged = replace(cosign(log, cps[-1], ["RS/officer-1"])[0], signature=bytes(64))
    auditor = cosign(log, cps[-1], ["AUDIT/auditor-1"])  # auditors do not witness
    rep = verify_bundle(bundle(log, checkpoints=cps, cosignatures=[*good, forged, *auditor]))
    assert [(f.kind, f.severity) for f in rep.findings] == [
        ("cosignature", "warning"),
        ("cosignature", "warning"),
    ]
    assert rep.ok and rep.cosignatures == 4


def test_a_cosignature_beyond_the_log_is_a_rollback() -> None:
    log = history()
    cps = signed_checkpoints(log)
    kept = cosign(log, cps[-1], ["BA/officer-1", "HR/officer-1"])
    short = log.entries()[:8]
    rep = verify_bundle(bundle(log, entries=short, checkpoints=cps[:2], cosignatures=kept))
    assert rep.kinds() == [("too_few_cosignatures", 7), ("truncated", 8)]
    assert "rolled back" in rep.findings[1].detail


def test_an_empty_log_needs_no_witness() -> None:
    log = make_log()
    rep = verify_bundle(bundle(log, entries=[], checkpoints=[], cosignatures=[]))
    assert rep.findings == () and rep.entries == 0
