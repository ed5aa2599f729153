"""A fork proof that needs the log to judge it: two light checkpoints of different sizes.

What a client publishes when the hub cannot give it a consistency proof (the checkpoint
it holds is from a history the hub has since rewritten): nothing on its face, so the
audit checks each checkpoint against the log's own prefix.
"""

from __future__ import annotations

from hotline.protocol.audit import verify_bundle
from hotline.protocol.codec import pack
from hotline.protocol.events import LogEvent
from tests.factories import T0
from tests.protocol.audit_factory import HUB, bundle, make_log, signed_checkpoints


def _proof(first: bytes, second: bytes) -> bytes:
    return pack([first, second])


def test_a_checkpoint_of_another_history_in_a_fork_proof_is_an_error() -> None:
    log = make_log()
    log.send()  # 1
    held = signed_checkpoints(log, every=2, events=[*log.events, b"another history"])[-1]
    log.send()  # 2
    log.send()  # 3
    newer = signed_checkpoints(log)[-1]
    log.add(LogEvent("fork_proof", T0 + 9000, HUB, _proof(held.encode(True), newer.encode(True))))
    rep = verify_bundle(bundle(log))
    assert [(f.kind, f.position, f.severity) for f in rep.findings] == [("fork", 4, "error")]
    assert "checkpoint of 3 entries in it is not the log's" in rep.findings[0].detail


def test_a_fork_proof_of_two_checkpoints_the_log_agrees_with_is_a_warning() -> None:
    log = make_log()
    log.send()
    first = signed_checkpoints(log)[-1]
    log.send()
    second = signed_checkpoints(log)[-1]
    proof = _proof(first.encode(True), second.encode(True))
    log.add(LogEvent("fork_proof", T0 + 9000, HUB, proof))
    rep = verify_bundle(bundle(log))
    assert [(f.kind, f.position, f.severity) for f in rep.findings] == [("fork", 3, "warning")]
    assert "both agree with the log" in rep.findings[0].detail
