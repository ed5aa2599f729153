"""Regenerate the treaty vectors: python -m tests.vectors.generate_treaty (issue 18).

Golden bytes for the verification families and the team report — one object carrying
the Ed25519 signatures of every party on a mixed team, checked against a roster.
Everything derives from fixed labels (tests/factories.det); Ed25519 is deterministic,
so the signatures are reproducible too. Negative vectors name the expected error code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotline.protocol import encode_body, validate_body
from hotline.protocol.codec import pack
from hotline.protocol.constants import DOMAIN_TEAM_REPORT
from hotline.protocol.verification_report import report_content, sign_report
from tests.factories import SAMPLE_BODIES, T0, make_network
from tests.treaty_cases import inspection_request
from tests.treaty_cases import report_content as case_report

OUT = Path(__file__).parent / "treaty_vectors.json"
REQUEST = "019e7044-8800-7000-8000-0000000000aa"
SIGNERS = ("HR/officer-1", "BA/officer-1", "ME/officer-1")
FAMILIES = (
    "inspection_request",
    "inspection_response",
    "evaluation_visit_request",
    "evaluation_visit_response",
    "annual_calendar",
)


def _negatives(net: Any, full: dict[str, Any]) -> list[dict[str, Any]]:
    two = case_report(REQUEST)
    for d in SIGNERS[:2]:
        two = sign_report(two, d, net[d].sign)
    feed = case_report(REQUEST)
    for d in ("HR/officer-1", "BA/feed-1", "ME/officer-1"):
        feed = sign_report(feed, d, net[d].sign)
    extra = sign_report(full, "RS/officer-1", net["RS/officer-1"].sign)
    return [
        {"name": "ME has not signed", "body": two, "error": "bad_signature"},
        {
            "name": "findings changed after signing",
            "body": full | {"findings": "Nothing."},
            "error": "bad_signature",
        },
        {"name": "a party not on the team signed", "body": extra, "error": "bad_signature"},
        {"name": "a feed signed for its party", "body": feed, "error": "wrong_role"},
    ]


def build() -> dict[str, Any]:
    net = make_network()
    assert net.roster is not None
    full = case_report(REQUEST)
    for d in SIGNERS:
        full = sign_report(full, d, net[d].sign)
    content = report_content(full)
    bodies = [
        {"family": f, "body": validate_body(f, b), "body_bytes": encode_body(f, b).hex()}
        for f, b in [("inspection_request", inspection_request())]
        + [(f, SAMPLE_BODIES[f]) for f in FAMILIES[1:]]
    ]
    return {
        "comment": "docs/protocol.md §5.3: team report signatures cover DOMAIN_TEAM_REPORT ‖ "
        "pack(body minus signatures); each by an officer device of a team party, at at_ms.",
        "domain": DOMAIN_TEAM_REPORT.hex(),
        "roster": net.roster.encode().hex(),
        "at_ms": T0,
        "signers": [
            {
                "device": d,
                "sign_seed": net[d].sign.seed.hex(),
                "verify_key": net[d].sign.verify_key.raw.hex(),
            }
            for d in SIGNERS
        ],
        "team_report": {
            "content": content,
            "signed_bytes": (DOMAIN_TEAM_REPORT + pack(content)).hex(),
            "body": full,
            "body_bytes": encode_body("inspection_report", full).hex(),
            "parties": ["BA", "HR", "ME"],
        },
        "bodies": bodies,
        "negative": _negatives(net, full),
    }


def main() -> None:
    OUT.write_text(json.dumps(build(), indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    main()
