"""Treaty vectors (tests/vectors/treaty_vectors.json): exact bytes of the verification objects.

Another implementation must produce the same body bytes, the same signed bytes and the
same team signatures from the seeds, accept the report against the roster, and refuse
each negative vector with its code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hotline.protocol import Roster, SigningKey, decode_body, encode_body
from hotline.protocol.constants import DOMAIN_TEAM_REPORT
from hotline.protocol.errors import ProtocolError
from hotline.protocol.verification_report import report_payload, verify_report

V = json.loads((Path(__file__).parents[1] / "vectors" / "treaty_vectors.json").read_text("utf-8"))
ROSTER = Roster.decode(bytes.fromhex(V["roster"]))


@pytest.mark.parametrize("b", V["bodies"], ids=lambda b: b["family"])
def test_body_bytes(b: dict[str, Any]) -> None:
    assert encode_body(b["family"], b["body"]).hex() == b["body_bytes"]
    assert decode_body(b["family"], bytes.fromhex(b["body_bytes"])) == b["body"]


def test_team_report_signed_by_every_party_on_the_team() -> None:
    t = V["team_report"]
    assert V["domain"] == DOMAIN_TEAM_REPORT.hex() and DOMAIN_TEAM_REPORT.endswith(b"\0")
    assert report_payload(t["body"]).hex() == t["signed_bytes"]
    assert encode_body("inspection_report", t["body"]).hex() == t["body_bytes"]
    payload = bytes.fromhex(t["signed_bytes"])
    sigs = {s["device"]: s["signature"] for s in t["body"]["signatures"]}
    for s in V["signers"]:
        key = SigningKey(bytes.fromhex(s["sign_seed"]))
        assert key.verify_key.raw.hex() == s["verify_key"]
        assert ROSTER.get(s["device"]).sign_key.hex() == s["verify_key"]  # type: ignore[union-attr]
        assert key.sign(payload).hex() == sigs[s["device"]]
    assert list(verify_report(t["body"], ROSTER, V["at_ms"])) == t["parties"]


@pytest.mark.parametrize("n", V["negative"], ids=lambda n: n["name"])
def test_negative_vectors(n: dict[str, Any]) -> None:
    with pytest.raises(ProtocolError) as info:
        verify_report(n["body"], ROSTER, V["at_ms"])
    assert info.value.code == n["error"]


def test_the_generator_reproduces_the_file() -> None:
    from tests.vectors.generate_treaty import build

    assert json.loads(json.dumps(build(), ensure_ascii=False)) == V
