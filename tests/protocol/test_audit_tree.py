"""The log against its hub-signed checkpoints: every deleted, forged, edited or moved
entry named once, at its own position (issue 15: the audit used to stop at the first)."""

from __future__ import annotations

from dataclasses import replace

from hotline.protocol.audit import verify_bundle
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import leaf_hash, root
from tests.factories import T0
from tests.protocol.audit_factory import HUB, Log, bundle, cosign, make_log, signed_checkpoints


def week(n: int = 12) -> Log:
    """roster, then ``n`` independent notices (no receipts, so none depends on another)."""
    log = make_log()
    for _ in range(n):
        log.send("RS/officer-1")
    return log


def forged(log: Log, k: int, key: str = HUB) -> tuple[str, bytes]:
    ev = LogEvent("hub_start", T0 + 77_000 + k, HUB, b"", {"instance": f"x{k}"})
    return (f"{T0 + 500 + k}-1", ev.signed(log.net[key].sign).encode())


def test_xdel_and_two_forged_xadds_are_all_listed() -> None:
    # The exact scenario of issue 15: one XDEL and two forged XADDs (here by someone
    # holding the hub's key, so only the checkpoints give them away).
    log = week()
    e = log.entries()
    tampered = [*e[:4], forged(log, 1), *e[4:8], *e[9:11], forged(log, 2), *e[11:]]
    rep = verify_bundle(bundle(log, entries=tampered))
    assert rep.kinds() == [("inserted", 4), ("missing", 8), ("inserted", 11)]


def test_forged_entries_without_the_hub_key_are_also_unsigned() -> None:
    log = week()
    e = log.entries()
    rep = verify_bundle(bundle(log, entries=[*e[:3], forged(log, 1, "RS/officer-1"), *e[3:]]))
    assert rep.kinds() == [("inserted", 3), ("unsigned", 3)]


def test_edited_entry() -> None:
    log = week()
    e = log.entries()
    ev = LogEvent.decode(e[5][1])
    later = replace(ev, at_ms=ev.at_ms + 3_600_000).signed(log.net[HUB].sign)  # re-signed
    rep = verify_bundle(bundle(log, entries=[*e[:5], (e[5][0], later.encode()), *e[6:]]))
    assert rep.kinds() == [("edited", 5)]


def test_undecodable_entry_is_one_finding() -> None:
    log = week()
    e = log.entries()
    rep = verify_bundle(bundle(log, entries=[*e[:5], (e[5][0], b"\xc1garbage"), *e[6:]]))
    assert rep.kinds() == [("edited", 5)]
    assert "does not decode" in rep.findings[0].detail  # both checks, one row


def test_reordered_entries() -> None:
    log = week()
    e = log.entries()
    rep = verify_bundle(bundle(log, entries=[*e[:9], e[10], e[9], *e[11:]]))
    assert rep.kinds() == [("reordered", 9)]
    assert "entry 10 of the signed log" in rep.findings[0].detail


def test_truncated_tail() -> None:
    log = week()
    rep = verify_bundle(bundle(log, entries=log.entries()[:-4]))
    assert rep.kinds() == [("truncated", 9)]


def test_entries_after_the_last_checkpoint_are_a_warning() -> None:
    log = week()
    cps = signed_checkpoints(log)
    for _ in range(2):
        log.send("RS/officer-1")
    rep = verify_bundle(bundle(log, checkpoints=cps))
    assert [(f.kind, f.position, f.severity) for f in rep.findings] == [
        ("uncovered", 13, "warning")
    ]
    assert rep.ok and rep.covered == 13


def test_a_missing_checkpoint_breaks_the_chain() -> None:
    log = week()
    cps = signed_checkpoints(log)
    rep = verify_bundle(bundle(log, checkpoints=[cps[0], *cps[2:]]))
    kinds = rep.kinds()
    assert kinds[0] == ("checkpoint", None) and "chain breaks at 4" in rep.findings[0].detail
    # the later checkpoints' roots still cover the entries after the gap (no fork)
    assert kinds[1:] == [] and rep.covered == 4


def test_a_checkpoint_with_a_bad_signature() -> None:
    log = week()
    cps = signed_checkpoints(log)
    bad = replace(cps[1], signature=bytes(64))
    rep = verify_bundle(bundle(log, checkpoints=[cps[0], bad, *cps[2:]]))
    assert rep.kinds()[:1] == [("checkpoint", None)]
    assert "record 2" in rep.findings[0].detail


def test_two_hub_checkpoints_of_one_size() -> None:
    log = week()
    cps = signed_checkpoints(log)
    leaves = [leaf_hash(x) for x in log.events[:8]]
    leaves[6] = leaf_hash(b"another history")
    other = Checkpoint.make(
        log.net[HUB].sign, log.roster.network, HUB, root(leaves), T0, 4, leaves[4:8]
    )
    for order in ([*cps, other], [other, *cps]):  # whichever the bundle lists first
        rep = verify_bundle(bundle(log, checkpoints=order))
        assert rep.kinds() == [("fork", 6)]
        assert "of 8 entries with different roots" in rep.findings[0].detail


def test_a_signed_root_the_signed_leaves_do_not_hash_to() -> None:
    log = week()
    cps = signed_checkpoints(log)
    last = cps[-1]
    wrong = Checkpoint.make(
        log.net[HUB].sign, last.network, HUB, bytes(32), T0, last.prev_size, last.leaves
    )
    rep = verify_bundle(
        bundle(
            log,
            checkpoints=[*cps[:-1], wrong],
            cosignatures=cosign(log, wrong, ["BA/officer-1", "HR/officer-1"]),
        )
    )
    assert rep.kinds() == [("fork", 12)]
