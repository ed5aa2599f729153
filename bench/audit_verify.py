"""Audit verification rate: a synthetic bundle of N entries, verified with public keys only.

Envelopes are real (post-quantum suite, sealed to every party's devices, Ed25519-signed);
to keep generation fast they share one sealed body, which changes nothing for the
verifier (it hashes, decodes and checks the signature of every entry in full).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import replace
from typing import Any

from hotline.protocol import Receipt, encode_body, new_message_id, seal
from hotline.protocol.audit import MAGIC, Checkpoint, bundle_record, verify_bundle
from hotline.protocol.envelope import Envelope
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import Frontier, leaf_hash
from tests.factories import make_network

__all__ = ["build_bundle", "measure"]


def build_bundle(n: int, suite: str = "pq") -> bytes:
    net = make_network(suite=suite)  # type: ignore[arg-type]
    assert net.roster is not None
    hub = net["HUB/hub-1"]
    sender = net["RS/officer-1"]
    others = tuple(p for p in ("AL", "BA", "HR", "ME", "MK", "XK"))
    t0 = 1_790_000_000_000
    base = Envelope(
        1,
        new_message_id(t0, os.urandom(10)),
        "RS",
        sender.device_id,
        others,
        "hotline_message",
        "FLASH",
        False,
        t0,
        None,
        None,
        1,
        1,
        suite,
    )
    targets = [
        (d.id, d.encryption_key) for d in net.roster.seal_targets("RS", others) if d.encryption_key
    ]
    ct = seal(
        encode_body("hotline_message", {"text": "x" * 900, "lang": "en"}),
        base.header_digest(),
        suite,
        targets,
        os.urandom(44),
    )  # type: ignore[arg-type]
    events: list[bytes] = [LogEvent("roster", t0, hub.device_id, net.roster.encode()).encode()]
    recipients = [net[f"{p}/officer-1"] for p in others]
    i = 0
    while len(events) < n:
        i += 1
        env = replace(
            base, id=new_message_id(t0 + i, os.urandom(10)), seq=i, created_ms=t0 + i, ciphertext=ct
        ).signed(sender.sign)
        events.append(LogEvent("accepted", t0 + i, hub.device_id, env.encode()).encode())
        for r in recipients[:2]:  # two delivery receipts per message
            if len(events) < n:
                rc = Receipt(1, env.id, r.device_id, "delivered", t0 + i).signed(r.sign)
                events.append(
                    LogEvent(
                        "receipt", t0 + i, hub.device_id, rc.encode(), {"sender": "RS"}
                    ).encode()
                )
    out = [MAGIC, bundle_record("header", {"synthetic": True})]
    out.append(bundle_record("roster", net.roster.encode()))
    f = Frontier()
    window: list[bytes] = []
    cps: list[bytes] = []
    for k, e in enumerate(events):
        out.append(bundle_record("entry", [f"{t0 + k}-0", e]))
        leaf = leaf_hash(e)
        f.append(leaf)
        window.append(leaf)
        if len(window) == 64 or k == len(events) - 1:
            cps.append(
                Checkpoint.make(
                    hub.sign, "bench", hub.device_id, f.root(), t0, f.size - len(window), window
                ).encode()
            )
            window = []
    out += [bundle_record("checkpoint", c) for c in cps]
    return b"".join(out)


def measure(n: int) -> dict[str, Any]:
    t = time.perf_counter()
    data = build_bundle(n)
    built = time.perf_counter() - t
    t = time.perf_counter()
    rep = verify_bundle(data)
    secs = time.perf_counter() - t
    assert rep.ok, rep.first
    return {
        "entries": n,
        "bundle_mib": round(len(data) / 2**20, 1),
        "build_s": round(built, 1),
        "verify_s": round(secs, 2),
        "audit_verify_per_s": round(n / secs),
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--entries", type=int, default=100_000)
    print(json.dumps(measure(p.parse_args().entries)))
