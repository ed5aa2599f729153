"""Pre-sealed, pre-signed envelopes, made before the clock starts.

One body is sealed per sender to every key its message goes to (so each envelope has the
real size and wrap count); every envelope then gets its own id, seq and signature. The
hub verifies each signature in full and never opens a body, so the shared ciphertext
changes nothing it does; a receiver that tried to open one would fail, and here none does.

`scheme="party"` prototypes the per-party alternative of issue 19.6 in today's wire
format: one wrap per party (to the key of that party's first device, standing in for a
key its devices would share) instead of one per device.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import Literal

from hotline.client.compose import compose, expand_recipients
from hotline.client.home import Device, Home
from hotline.protocol import Envelope, Roster, encode_body, new_message_id, seal

__all__ = ["BODY", "FAMILY", "Scheme", "presigned", "seal_once", "targets"]

FAMILY = "cyber_incident"  # feeds may send it (national CERT systems do exactly this)
BODY = {"severity": "high", "sector": "energy", "summary": "Incident " + "x" * 1000}
Scheme = Literal["device", "party"]


def targets(
    roster: Roster, sender: str, to: tuple[str, ...], scheme: Scheme
) -> list[tuple[str, object]]:
    """(key id, public key) to wrap to: every device, or the first device of each party."""
    devs = [d for d in roster.seal_targets(sender, to) if d.encryption_key is not None]
    if scheme == "party":
        first: dict[str, object] = {}
        for d in sorted(devs, key=lambda d: d.id):
            first.setdefault(d.party, d)
        devs = list(first.values())  # type: ignore[arg-type]
    return [(d.id, d.encryption_key) for d in devs]  # type: ignore[attr-defined]


def seal_once(dev: Device, roster: Roster, now: int, scheme: Scheme, precedence: str) -> Envelope:
    """One signed envelope from `dev` to every other party, sealed by `scheme`."""
    to = expand_recipients("all", roster, dev.party)
    if scheme == "device":  # exactly what a client sends today
        env, _ = compose(
            dev,
            roster,
            recipients=to,
            family=FAMILY,
            body=BODY,
            seq=1,
            now_ms=now,
            precedence=precedence,
        )
        return env
    assert dev.enc is not None
    head = Envelope(
        1,
        new_message_id(now, os.urandom(10)),
        dev.party,
        dev.id,
        to,
        FAMILY,
        precedence,
        False,
        now,
        None,
        None,
        1,
        roster.version,
        dev.enc.suite,
    )
    ct = seal(
        encode_body(FAMILY, BODY),
        head.header_digest(),
        dev.enc.suite,
        targets(roster, dev.party, to, scheme),
        os.urandom(44),
    )  # type: ignore[arg-type]
    return replace(head, ciphertext=ct).signed(dev.sign)


def presigned(
    home: Home, device_id: str, n: int, precedence: str = "ROUTINE", scheme: Scheme = "device"
) -> list[Envelope]:
    """n distinct signed envelopes from `device_id` to every other party."""
    dev = home.device(device_id)
    now = time.time_ns() // 1_000_000
    first = seal_once(dev, home.roster(now), now, scheme, precedence)
    out = [first]
    for i in range(1, n):
        mid = new_message_id(now + i // 1000, os.urandom(10))
        env = replace(first, id=mid, seq=i + 1, created_ms=now + i // 1000)
        out.append(env.signed(dev.sign))
    return out
