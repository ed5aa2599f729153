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

__all__ = ["build_bundle", "measure", "parallel_ceiling"]

T0 = 1_790_000_000_000


def _events(net: Any, n: int, suite: str) -> list[bytes]:
    """A roster entry, then accepted envelopes, each followed by two delivery receipts."""
    hub, sender = net["HUB/hub-1"], net["RS/officer-1"]
    others = ("AL", "BA", "HR", "ME", "MK", "XK")
    t0 = T0
    base = Envelope(1, new_message_id(t0, os.urandom(10)), "RS", sender.device_id, others,
                    "hotline_message", "FLASH", False, t0, None, None, 1, 1, suite)  # fmt: skip
    targets = [
        (d.id, d.encryption_key) for d in net.roster.seal_targets("RS", others) if d.encryption_key
    ]
    body = encode_body("hotline_message", {"text": "x" * 900, "lang": "en"})
    ct = seal(body, base.header_digest(), suite, targets, os.urandom(44))  # type: ignore[arg-type]
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
                extra = {"sender": "RS"}
                events.append(
                    LogEvent("receipt", t0 + i, hub.device_id, rc.encode(), extra).encode()
                )
    return events


def _records(net: Any, events: list[bytes]) -> bytes:
    """The bundle: header, roster, every entry, a checkpoint every 64 entries."""
    hub = net["HUB/hub-1"]
    out = [MAGIC, bundle_record("header", {"synthetic": True})]
    out.append(bundle_record("roster", net.roster.encode()))
    f = Frontier()
    window: list[bytes] = []
    cps: list[bytes] = []
    for k, e in enumerate(events):
        out.append(bundle_record("entry", [f"{T0 + k}-0", e]))
        leaf = leaf_hash(e)
        f.append(leaf)
        window.append(leaf)
        if len(window) == 64 or k == len(events) - 1:
            start = f.size - len(window)
            cp = Checkpoint.make(hub.sign, "bench", hub.device_id, f.root(), T0, start, window)
            cps.append(cp.encode())
            window = []
    out += [bundle_record("checkpoint", c) for c in cps]
    return b"".join(out)


def build_bundle(n: int, suite: str = "pq") -> bytes:
    """A synthetic audit bundle of n entries, signed by real keys."""
    net = make_network(suite=suite)  # type: ignore[arg-type]
    assert net.roster is not None
    return _records(net, _events(net, n, suite))


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


def _verify_file(path: str) -> bool:
    from pathlib import Path

    return verify_bundle(Path(path).read_bytes()).ok


def parallel_ceiling(n: int) -> dict[str, Any]:
    """One bundle verified by every core at once, each process the whole bundle.

    Not the process-pool verifier of issue 19.5 (one bundle split across cores, the same
    findings as one core): the ceiling such a pool could reach on this machine, measured.
    """
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path

    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "bundle"
        f.write_bytes(build_bundle(n))
        with ProcessPoolExecutor(cores) as pool:
            list(pool.map(_verify_file, [str(f)] * cores))  # warm the workers' imports
            t = time.perf_counter()
            ok = list(pool.map(_verify_file, [str(f)] * cores))
            secs = time.perf_counter() - t
    assert all(ok)
    return {"processes": cores, "entries_each": n, "entries_per_s": round(cores * n / secs)}


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--entries", type=int, default=100_000)
    print(json.dumps(measure(p.parse_args().entries)))
