"""Regenerate the golden vectors: python -m tests.vectors.generate (only when the spec changes).

Everything is derived from fixed labels, except the HPKE ephemeral keys inside
sealed bodies, which `cryptography` draws itself: the sealing vector is
therefore decrypt-only (fixed ciphertext + recipient key → expected body).
"""

from __future__ import annotations

import json
from pathlib import Path

from hotline.protocol import Receipt, auth_payload, encode_body
from tests.factories import T0, make_envelope, make_network

OUT = Path(__file__).parent


def main() -> None:
    vectors = []
    for suite in ("classic", "pq"):
        net = make_network(suite=suite)  # type: ignore[arg-type]
        env = make_envelope(net, label=f"vector-{suite}")
        sender, recipient = net["RS/officer-1"], net["HR/officer-1"]
        assert recipient.enc is not None and net.roster is not None
        rcpt = Receipt(1, env.id, "HR/officer-1", "acknowledged", T0 + 5000).signed(recipient.sign)
        vectors.append(
            {
                "suite": suite,
                "sender_device": "RS/officer-1",
                "sender_sign_seed": sender.sign.seed.hex(),
                "sender_verify_key": sender.sign.verify_key.raw.hex(),
                "recipient_device": "HR/officer-1",
                "recipient_enc_private": recipient.enc.raw.hex(),
                "recipient_enc_public": recipient.enc.public.raw.hex(),
                "recipient_sign_seed": recipient.sign.seed.hex(),
                "body": {"text": "Здраво, test", "lang": "sr-Cyrl"},
                "body_bytes": encode_body(
                    "hotline_message", {"text": "Здраво, test", "lang": "sr-Cyrl"}
                ).hex(),
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
    (OUT / "vectors.json").write_text(json.dumps(vectors, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
