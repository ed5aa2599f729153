"""Deliveries and their proofs (docs/protocol.md §8.3, §9.2): what a device may show.

A delivery is a whole log entry and its leaf index. The device checks the hub's
signature on the entry (R17), that it is addressed to its party (``misrouted``), the
acceptance rule with the hub's accept time and the roster the entry names (``rv``),
and — before its ``delivered`` receipt — the entry's inclusion in a checkpoint it holds.
"""

from __future__ import annotations

from typing import Any

from hotline.protocol import Envelope
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import MerkleTree, leaf_hash
from tests.factories import T0, det

from .cases_log import HUB
from .cases_roster import NET, R1
from .cases_rules import AT, R2, envelope, receipt_by, seen
from .common import case, err, ok

__all__ = ["delivery_cases", "inclusion_queue_cases"]

KEY = NET[HUB].sign
INDEX = 3  # where the delivered entry sits in the log of the proof cases


def entry(etype: str, payload: bytes = b"", signed: bool = True, **extra: Any) -> bytes:
    ev = LogEvent(etype, AT, HUB, payload, extra)
    return (ev.signed(KEY) if signed else ev).encode()


def accepted(env: Envelope, rv: int = 1, signed: bool = True) -> bytes:
    return entry("accepted", env.encode(), signed, rv=rv)


def _log_with(e: bytes) -> tuple[MerkleTree, Checkpoint]:
    """A log of 6 entries with ``e`` at INDEX, and the hub's checkpoint over it."""
    leaves = [leaf_hash(det(f"delivery/log/{i}", 40)) for i in range(6)]
    leaves[INDEX] = leaf_hash(e)
    tree = MerkleTree(leaves)
    cp = Checkpoint.make(KEY, R1.network, HUB, tree.root(), AT + 10, 0, leaves)
    return tree, cp


def _deliver(
    cid: str, note: str, e: bytes, expect: dict, device: str = "HR/officer-1", **inp: Any
) -> dict:
    rosters = [r.encode().hex() for r in inp.pop("rosters", [R1])]
    body = {"entry": e.hex(), "index": INDEX, "device": device, "rosters": rosters, **inp}
    return case(f"delivery/{cid}", "delivery.read", note, body, expect)


def delivery_cases() -> list[dict]:
    rs = envelope(label="dl")  # RS/officer-1 -> BA, HR
    good = accepted(rs)
    tree, cp = _log_with(good)
    proof = [h.hex() for h in tree.inclusion_proof(INDEX, tree.size)]
    other = [h.hex() for h in tree.inclusion_proof(INDEX - 1, tree.size)]
    light = cp.encode(light=True).hex()
    read = {"type": "accepted", "leaf": leaf_hash(good).hex(), "message_id": rs.id.hex()}
    return [
        _deliver("accepted", "read with the log's accept time and roster v1", good,
                 ok(**read, roster_version=1, duplicate=False)),
        _deliver("accepted-proven", "and proven in a checkpoint the device holds", good,
                 ok(**read, proven=True), checkpoint=light, proof=proof),
        _deliver("proof-for-another-leaf", "the hub's path is for index 2", good,
                 err("not_in_log"), checkpoint=light, proof=other),
        _deliver("not-in-the-checkpoint", "the checkpoint's log does not hold this entry",
                 accepted(envelope(label="dl-x")), err("not_in_log"), checkpoint=light,
                 proof=proof),
        _deliver("redelivered", "the device already holds it: a duplicate, not shown "
                 "twice", good, ok(duplicate=True), seen=[seen(rs)]),
        _deliver("own-party", "RS's message reaches RS's other consoles", good,
                 ok(**read), device="RS/feed-1"),
        _deliver("misrouted", "AL is neither sender nor recipient", good,
                 err("misrouted"), device="AL/officer-1"),
        _deliver("auditor-without-copies", "the roster does not send auditors copies",
                 good, err("misrouted"), device="AUDIT/auditor-1"),
        _deliver("rv-names-the-roster", "v2 revoked the sender after the hub accepted "
                 "under v1: the entry's rv decides", good, ok(**read, roster_version=1),
                 rosters=[R1, R2]),
        _deliver("rv-2-revoked", "accepted under v2, which revokes the sender",
                 accepted(rs, rv=2), err("revoked_key"), rosters=[R1, R2]),
        _deliver("unsigned", "an entry without the hub's signature", accepted(rs, signed=False),
                 err("unsigned_event")),
        _deliver("signed-by-an-officer", "an entry signed by RS/officer-1, hub RS/officer-1",
                 LogEvent("accepted", AT, "RS/officer-1", rs.encode(), {"rv": 1})
                 .signed(NET["RS/officer-1"].sign).encode(), err("wrong_role")),
        _deliver("backdated", "created 8 days before the hub accepted it", accepted(
            envelope(created=AT - 8 * 86_400_000, label="dl-old")), err("clock_skew")),
        _deliver("unknown-reference-skipped", "a client holding part of the log skips "
                 "references it cannot resolve", accepted(envelope(
                     family="military_activity", supersedes=rs.id, label="dl-am")),
                 ok(type="accepted")),
        _deliver("rejected-entry", "a rejection is not delivered to devices",
                 entry("rejected", code="replay", device="RS/officer-1", ref=""),
                 err("misrouted")),
        _deliver("alert", "an integrity alert for every party", entry(
            "alert", code="integrity_alarm", message="foreign entry at 12"),
                 ok(type="alert", roster_version=1)),
        _deliver("not-a-log-entry", "a bare envelope where an entry belongs", rs.encode(),
                 err("decode_error")),
        *_receipt_deliveries(rs),
    ]  # fmt: skip


def _receipt_deliveries(rs: Envelope) -> list[dict]:
    rc = receipt_by("HR/officer-1", rs.id, AT - 500)
    e = entry("receipt", rc.encode(), sender="RS", rv=1)
    return [
        _deliver("receipt", "HR's receipt reaches the sender", e,
                 ok(type="receipt", message_id=rs.id.hex()), device="RS/officer-1",
                 seen=[seen(rs)]),
        _deliver("receipt-for-unknown-message", "a device holds part of the log: a receipt "
                 "about a message it does not hold is not judged by R16 there (the hub and "
                 "the auditor do)", e, ok(type="receipt", message_id=rs.id.hex()),
                 device="RS/officer-1"),
    ]  # fmt: skip


def inclusion_queue_cases() -> list[dict]:
    leaves = [leaf_hash(b"%d" % i) for i in range(9)]
    tree = MerkleTree(leaves)

    def path(i: int, size: int = 8) -> list[Any]:
        return [i, [h.hex() for h in tree.inclusion_proof(i, size)]]

    pending = [
        {"key": "a", "index": 2, "leaf": leaves[2].hex(), "since_ms": T0},
        {"key": "b", "index": 5, "leaf": leaf_hash(b"not in the log").hex(), "since_ms": T0},
        {"key": "c", "index": 8, "leaf": leaves[8].hex(), "since_ms": T0},
        {"key": "d", "index": 6, "leaf": leaves[6].hex(), "since_ms": T0 + 30_000},
    ]
    base = {"pending": pending, "size": 8, "root": tree.root(8).hex(), "overdue_after_ms": 60_000}
    many = [
        {"key": f"k{i}", "index": i, "leaf": leaf_hash(b"%d" % i).hex(), "since_ms": T0}
        for i in range(300)
    ]
    return [
        case("inclusion/queue/proven-failed-overdue", "inclusion.queue",
             "a proven, b's leaf is not in the log, c waits for a larger tree, d was not "
             "answered yet", {**base, "proofs": [path(2), path(5)], "now_ms": T0 + 60_001},
             ok(wanted=[2, 5, 6], proven=["a"], failed=["b"], overdue=["c"])),
        case("inclusion/queue/later", "inclusion.queue", "90 s later d is overdue too",
             {**base, "proofs": [path(2), path(5)], "now_ms": T0 + 90_001},
             ok(proven=["a"], failed=["b"], overdue=["c", "d"])),
        case("inclusion/queue/at-most-256", "inclusion.queue", "one prove frame asks for "
             "at most PROVE_MAX = 256 indexes, lowest first", {
                 "pending": many, "size": 300, "root": tree.root(8).hex(), "proofs": [],
                 "now_ms": T0, "overdue_after_ms": 60_000},
             ok(wanted=list(range(256)), proven=[], failed=[], overdue=[])),
    ]  # fmt: skip
