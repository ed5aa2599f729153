"""Regenerate the conformance suite: python -m tests.vectors.generate [--golden].

``conformance.json`` (docs/protocol.md §11) is derived deterministically from fixed labels
and from the golden vectors in ``vectors.json``: running this twice gives the same bytes,
and a test checks that the committed file is what this writes.

``--golden`` rewrites ``vectors.json`` itself, only when the spec changes an object: HPKE
draws its ephemeral keys inside `cryptography`, so the sealed bytes (and every case built
on them) change each time, which is why sealing is tested decrypt-only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hotline.protocol import Receipt, auth_payload, encode_body
from tests.factories import T0, make_envelope, make_network

from .cases_codec import codec_cases
from .cases_connection import client_transcript_cases, hub_transcript_cases
from .cases_delivery import delivery_cases, inclusion_queue_cases
from .cases_log import checkpoint_cases, log_entry_cases, merkle_cases, merkle_tree_cases
from .cases_objects import envelope_cases, receipt_cases, sealed_cases
from .cases_roster import roster_cases
from .cases_rules import envelope_rule_cases, receipt_rule_cases
from .cases_session import auth_cases, frame_cases, rest_cases
from .cases_v10 import (
    cosignature_cases,
    event_cases,
    event_sign_cases,
    frame_v10_cases,
    rest_v2_cases,
)
from .cases_witness import fork_cases, quorum_cases, witness_cases

OUT = Path(__file__).parent
GOLDEN = OUT / "vectors.json"
SUITE = OUT / "conformance.json"


def suite(vectors: list[dict[str, Any]]) -> dict[str, Any]:
    """Every case, in a stable order."""
    cases = [
        *codec_cases(),
        *envelope_cases(vectors),
        *sealed_cases(vectors),
        *receipt_cases(vectors),
        *roster_cases(),
        *merkle_cases(),
        *log_entry_cases(vectors),
        *checkpoint_cases(vectors),
        *auth_cases(vectors),
        *rest_cases(vectors),
        *frame_cases(),
        *event_cases(vectors),
        *cosignature_cases(vectors),
        *rest_v2_cases(vectors),
        *frame_v10_cases(),
        *merkle_tree_cases(),
        *event_sign_cases(vectors),
        *envelope_rule_cases(),
        *receipt_rule_cases(vectors),
        *delivery_cases(),
        *inclusion_queue_cases(),
        *quorum_cases(),
        *fork_cases(),
        *witness_cases(),
        *hub_transcript_cases(),
        *client_transcript_cases(),
    ]
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return {"version": 1, "spec": "docs/protocol.md §11", "cases": cases}


def render(doc: Any) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def golden() -> list[dict[str, Any]]:
    vectors = []
    for suite_name in ("classic", "pq"):
        net = make_network(suite=suite_name)  # type: ignore[arg-type]
        env = make_envelope(net, label=f"vector-{suite_name}")
        sender, recipient = net["RS/officer-1"], net["HR/officer-1"]
        assert recipient.enc is not None and net.roster is not None
        rcpt = Receipt(1, env.id, "HR/officer-1", "acknowledged", T0 + 5000).signed(recipient.sign)
        body = {"text": "Здраво, test", "lang": "sr-Cyrl"}
        vectors.append(
            {
                "suite": suite_name,
                "sender_device": "RS/officer-1",
                "sender_sign_seed": sender.sign.seed.hex(),
                "sender_verify_key": sender.sign.verify_key.raw.hex(),
                "recipient_device": "HR/officer-1",
                "recipient_enc_private": recipient.enc.raw.hex(),
                "recipient_enc_public": recipient.enc.public.raw.hex(),
                "recipient_sign_seed": recipient.sign.seed.hex(),
                "body": body,
                "body_bytes": encode_body("hotline_message", body).hex(),
                "header_digest": env.header_digest().hex(),
                "envelope": env.encode().hex(),
                "signature": env.signature.hex(),
                "receipt": rcpt.encode().hex(),
                "roster": net.roster.encode().hex(),
                "roster_hash": net.roster.hash().hex(),
                "auth_payload": auth_payload(
                    "HUB/hub-1", b"\x01" * 16, b"\x02" * 32, "RS/officer-1", T0
                ).hex(),
            }
        )
    return vectors


def main(argv: list[str]) -> None:
    if "--golden" in argv:
        GOLDEN.write_text(render(golden()))
    vectors = json.loads(GOLDEN.read_text())
    SUITE.write_text(render(suite(vectors)))


if __name__ == "__main__":
    main(sys.argv[1:])
