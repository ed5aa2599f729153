"""Reading and judging a delivery (docs/protocol.md §8.3): what a device refuses to show."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hotline.protocol import Receipt, Roster
from hotline.protocol.acceptance import SeenIndex
from hotline.protocol.delivery import LoggedMessage, LoggedReceipt, read_delivery
from hotline.protocol.errors import ProtocolError
from hotline.protocol.events import LogEvent
from hotline.protocol.inclusion import ProofQueue
from hotline.protocol.merkle import MerkleTree, leaf_hash
from tests.factories import T0, make_envelope, make_network

NET = make_network(("BA", "HR", "RS"), quorum=2)
R1 = NET.roster
assert R1 is not None
HUB = NET["HUB/hub-1"].sign
ME = R1.get("HR/officer-1")
assert ME is not None


def _revoked(device: str) -> Roster:
    assert R1 is not None
    devs = tuple(replace(d, revoked=True) if d.id == device else d for d in R1.devices)
    return replace(R1, version=2, devices=devs, signatures=(), _by_id={})


def accepted(env: Any, rv: int = 1, at: int = T0) -> bytes:
    return LogEvent("accepted", at, "HUB/hub-1", env.encode(), {"rv": rv}).signed(HUB).encode()


def read(entry: bytes, rosters: dict[int, Roster] | None = None, seen: Any = None) -> Any:
    assert ME is not None
    return read_delivery(entry, 7, me=ME, rosters=rosters or {1: R1}, seen=seen or SeenIndex())


def test_an_accepted_message_is_read_with_the_log_time() -> None:
    env = make_envelope(NET, created_ms=T0 - 5_000)
    got = read(accepted(env, at=T0))
    assert isinstance(got, LoggedMessage) and got.accepted_ms == T0 and not got.duplicate
    assert got.leaf == leaf_hash(accepted(env, at=T0)) and got.index == 7


REFUSED = [
    (
        "revoked signer",
        accepted(make_envelope(NET), rv=2),
        {1: R1, 2: _revoked("RS/officer-1")},
        "revoked_key",
    ),
    (
        "feed outside its families",
        accepted(make_envelope(NET, "RS/feed-1")),
        None,
        "family_not_allowed",
    ),
    (
        "hub-signed notification",
        accepted(make_envelope(NET, "HUB/hub-1", ("HR",))),
        None,
        "wrong_role",
    ),
    ("not addressed to HR", accepted(make_envelope(NET, recipients=("BA",))), None, "misrouted"),
    (
        "backdated past the bound",
        accepted(make_envelope(NET, created_ms=T0 - 8 * 86_400_000)),
        None,
        "clock_skew",
    ),
    ("not a log entry", make_envelope(NET).encode(), None, "decode_error"),
    (
        "a rejection event",
        LogEvent("rejected", T0, "HUB/hub-1", b"", {}).signed(HUB).encode(),
        None,
        "misrouted",
    ),
]


@pytest.mark.parametrize(
    ("entry", "rosters", "code"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refused_deliveries(entry: bytes, rosters: dict[int, Roster] | None, code: str) -> None:
    with pytest.raises(ProtocolError) as info:
        read(entry, rosters)
    assert info.value.code == code


def test_the_roster_in_force_at_accept_decides_not_the_newest() -> None:
    # accepted under version 1, delivered after version 2 revoked the sender: still shown
    got = read(accepted(make_envelope(NET), rv=1), {1: R1, 2: _revoked("RS/officer-1")})
    assert isinstance(got, LoggedMessage)


def test_receipts_are_judged_too() -> None:
    env = make_envelope(NET, "HR/officer-1", ("RS",))
    seen = SeenIndex()
    seen.add(env, env.encode(), T0)
    good = Receipt(1, env.id, "RS/officer-1", "read", T0).signed(NET["RS/officer-1"].sign)
    entry = LogEvent("receipt", T0, "HUB/hub-1", good.encode(), {"rv": 1}).signed(HUB).encode()
    assert isinstance(read(entry, seen=seen), LoggedReceipt)
    forged = Receipt(1, env.id, "AUDIT/auditor-1", "acknowledged", T0).signed(
        NET["AUDIT/auditor-1"].sign
    )
    bad = LogEvent("receipt", T0, "HUB/hub-1", forged.encode(), {}).signed(HUB).encode()
    with pytest.raises(ProtocolError) as info:
        read(bad, seen=seen)
    assert info.value.code == "wrong_role"


def test_proof_queue_proves_and_refutes() -> None:
    leaves = [leaf_hash(b"%d" % i) for i in range(9)]
    tree = MerkleTree(leaves)
    q: ProofQueue[str] = ProofQueue()
    q.add("a", 2, leaves[2], T0)
    q.add("b", 5, leaf_hash(b"not in the log"), T0)
    q.add("c", 8, leaves[8], T0)
    assert q.wanted(8) == [2, 5]  # index 8 needs a bigger tree
    assert q.wanted(8) == []  # asked already
    res = q.resolve(8, tree.root(8), [(i, tree.inclusion_proof(i, 8)) for i in (2, 5)])
    assert res.proven == ["a"] and [k for k, _ in res.failed] == ["b"]
    assert q.overdue(T0 + 60_001, 60_000) == [("c", 8)]
    assert q.wanted(9) == [8]


UNSIGNED = [
    (
        "an accepted entry without the hub's signature",
        LogEvent("accepted", T0, "HUB/hub-1", make_envelope(NET).encode(), {"rv": 1}).encode(),
        "unsigned_event",
    ),
    ("an unsigned alert", LogEvent("alert", T0, "HUB/hub-1", b"", {}).encode(), "unsigned_event"),
    (
        "an entry signed by an officer",
        LogEvent("alert", T0, "RS/officer-1", b"", {}).signed(NET["RS/officer-1"].sign).encode(),
        "wrong_role",
    ),
]


@pytest.mark.parametrize(("entry", "code"), [c[1:] for c in UNSIGNED], ids=[c[0] for c in UNSIGNED])
def test_an_entry_the_hub_did_not_sign_is_refused(entry: bytes, code: str) -> None:
    # docs/protocol.md §8.3: a device checks the hub's signature (R17) before anything
    # else, so a forged entry in an inbox (an alert, say) never reaches a console.
    with pytest.raises(ProtocolError) as info:
        read(entry)
    assert info.value.code == code
