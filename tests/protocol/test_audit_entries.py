"""The check pass: each log attack of issue 15 is named exactly, at its position.

Every test writes an honest log with the hub's key, adds one attack (an insider with
Redis access, or with the hub's key), and asserts the audit lists exactly the expected
findings — kinds and positions — and nothing else.
"""

from __future__ import annotations

from dataclasses import replace

from hotline.protocol import Receipt, new_message_id
from hotline.protocol.audit import LEGACY, AuditReport, verify_bundle
from hotline.protocol.codec import pack
from hotline.protocol.events import LogEvent
from tests.factories import SAMPLE_BODIES, T0
from tests.protocol.audit_factory import HUB, Log, bundle, make_log, signed_checkpoints

DAY = 86_400_000


def honest() -> Log:
    """roster (0), RS → BA,HR (1), HR's delivery receipt (2)."""
    log = make_log()
    env = log.send("RS/officer-1")
    log.receipt(env, "HR/officer-1")
    return log


def audit(log: Log, **kw: object) -> AuditReport:
    return verify_bundle(bundle(log), **kw)  # type: ignore[arg-type]


def test_an_honest_log_is_clean() -> None:
    rep = audit(honest())
    assert rep.findings == () and rep.ok and rep.covered == rep.entries == 3


def test_revoked_key() -> None:
    log = honest()
    log.revise(T0 + 1500, RS__officer_1={"revoked": True})  # 3
    log.send("RS/officer-1")  # 4: signed by the revoked key, written into the log
    rep = audit(log)
    assert rep.kinds() == [("rule_violation", 4)]
    assert "revoked_key" in rep.findings[0].detail


def test_feed_outside_its_families() -> None:
    log = honest()
    log.send("RS/feed-1", family="military_activity", body=SAMPLE_BODIES["military_activity"])
    rep = audit(log)
    assert rep.kinds() == [("rule_violation", 3)]
    assert "family_not_allowed" in rep.findings[0].detail


def test_hub_signed_notification() -> None:
    log = honest()
    env = log.send("HUB/hub-1")  # sender HUB, signed with the hub's own key
    assert env.sender == "HUB"
    rep = audit(log)
    assert rep.kinds() == [("rule_violation", 3)]
    assert "wrong_role" in rep.findings[0].detail


def test_replay_in_the_log_same_and_other_bytes() -> None:
    log = honest()
    first = log.send("HR/officer-1", recipients=("RS",))  # 3
    log.add(LogEvent("accepted", first.created_ms + 900, HUB, first.encode()))  # 4: again
    other = replace(log.send("HR/officer-1", recipients=("RS",)), id=first.id)  # 5
    log.events[5] = (
        LogEvent(
            "accepted",
            other.created_ms + 50,
            HUB,
            other.signed(log.net["HR/officer-1"].sign).encode(),
        )
        .signed(log.net[HUB].sign)
        .encode()
    )
    rep = audit(log)
    assert rep.kinds() == [("replay", 4), ("replay", 5)]
    assert "the same bytes" in rep.findings[0].detail
    assert "other bytes" in rep.findings[1].detail


def test_unsigned_events() -> None:
    log = honest()
    log.add(LogEvent("rejected", T0 + 5000, HUB, b"", {"code": "replay"}), sign=False)  # 3
    forged = LogEvent("hub_stop", T0 + 6000, HUB).signed(log.net["RS/officer-1"].sign)
    log.events.append(forged.encode())  # 4: a signature, by the wrong key
    rep = audit(log)
    assert rep.kinds() == [("unsigned", 3), ("unsigned", 4)]
    # legacy bundles: no signature at all is a warning; a wrong one stays an error
    legacy = audit(log, options=LEGACY)
    assert [(f.kind, f.position, f.severity) for f in legacy.findings] == [
        ("unsigned", 3, "warning"),
        ("unsigned", 4, "error"),
    ]


def test_backdated_notice() -> None:
    log = honest()
    at = T0 + 30 * DAY
    log.send("RS/officer-1", created_ms=at - 6 * DAY, at=at)  # 3: within the 7-day bound
    log.send("RS/officer-1", created_ms=at - 8 * DAY, at=at + 1)  # 4: outside it (R10)
    log.send("RS/officer-1", created_ms=at + 10 * 60_000, at=at + 2)  # 5: from the future
    rep = audit(log)
    assert rep.kinds() == [("clock", 4), ("clock", 5)]
    assert all("clock_skew" in f.detail for f in rep.findings)


def test_cross_party_supersedes() -> None:
    log = honest()
    body = SAMPLE_BODIES["arms_transfer"]
    rs = log.send("RS/officer-1", family="arms_transfer", body=body)  # 3
    log.send(
        "BA/officer-1", recipients=("HR", "RS"), family="arms_transfer", body=body, supersedes=rs.id
    )  # 4: BA hides RS's contract
    rep = audit(log)
    assert rep.kinds() == [("rule_violation", 4)]
    assert "foreign_reference" in rep.findings[0].detail


def test_receipts_follow_the_rule() -> None:
    log = honest()
    env = log.send("RS/officer-1")  # 3, to BA and HR
    log.receipt(env, "AUDIT/auditor-1")  # 4: an auditor takes no note for a party
    rc = Receipt(1, env.id, "RS/feed-1", "delivered", T0 + 9000).signed(log.net["RS/feed-1"].sign)
    log.add(LogEvent("receipt", T0 + 9010, HUB, rc.encode()))  # 5: RS is not a recipient
    bad = replace(rc, device="HR/officer-1", message_id=new_message_id(T0, bytes(10)))
    log.add(LogEvent("receipt", T0 + 9020, HUB, bad.signed(log.net["HR/officer-1"].sign).encode()))
    rep = audit(log)
    assert rep.kinds() == [("rule_violation", 4), ("rule_violation", 5), ("rule_violation", 6)]
    codes = [f.detail.split(": ")[1] for f in rep.findings]
    assert codes == ["wrong_role", "unknown_recipient", "unknown_reference"]


def test_edited_payload_signature() -> None:
    log = honest()
    env = log.send("RS/officer-1")
    forged = replace(env, precedence="ROUTINE")  # the old signature, other content
    log.events[3] = (
        LogEvent("accepted", env.created_ms + 50, HUB, forged.encode()).signed(log.net[HUB].sign)
    ).encode()
    rep = audit(log)
    assert rep.kinds() == [("bad_signature", 3)]


def test_fork_proof_entries() -> None:
    log = honest()
    cps = signed_checkpoints(log)
    other = signed_checkpoints(log, events=[*log.events[:2], b"rewritten"])
    proof = pack([cps[-1].encode(), other[-1].encode()])
    log.add(LogEvent("fork_proof", T0 + 7000, HUB, proof))  # 3: verified evidence
    log.add(LogEvent("fork_proof", T0 + 7001, HUB, b"\x90"))  # 4: a claim that does not hold
    rep = audit(log)
    assert [(f.kind, f.position, f.severity) for f in rep.findings] == [
        ("fork", 3, "error"),
        ("fork", 4, "warning"),
    ]


def test_a_roster_outside_the_chain() -> None:
    log = honest()
    log.revise(T0 + 1500)  # 3: version 2, in the chain
    stray = replace(log.chain[-1].unsigned(), version=3, prev_hash=log.chain[-1].hash(), _by_id={})
    log.add(LogEvent("roster", T0 + 1600, HUB, stray.encode()))  # 4: not in the bundle
    log.add(LogEvent("roster", T0 + 1700, HUB, log.chain[0].encode()))  # 5: back to 1
    rep = audit(log)
    assert rep.kinds() == [("roster", 4), ("roster", 5)]
    assert "goes back to roster version 1" in rep.findings[1].detail


def test_references_to_nothing_the_log_accepted() -> None:
    # An auditor holds the whole log (reference_known=True): a reply or an amendment
    # naming an id the log never accepted is refused, as the hub refuses it.
    log = honest()
    ghost = new_message_id(T0, bytes(range(10)))
    log.send(
        "BA/officer-1",
        recipients=("RS",),
        family="clarification_response",
        body=SAMPLE_BODIES["clarification_response"],
        in_reply_to=ghost,
    )  # 3
    log.send(
        "RS/officer-1",
        family="arms_transfer",
        body=SAMPLE_BODIES["arms_transfer"],
        supersedes=ghost,
    )  # 4
    rep = audit(log)
    assert rep.kinds() == [("rule_violation", 3), ("rule_violation", 4)]
    assert all("unknown_reference" in f.detail for f in rep.findings)
