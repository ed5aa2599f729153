"""Audit verification rate: a synthetic bundle of N entries, verified with public keys only.

Envelopes are real (post-quantum suite, sealed to every party's devices, Ed25519-signed);
to keep generation fast they share one sealed body, which changes nothing for the
verifier (it hashes, decodes and checks the signature of every entry in full). Every
event is hub-signed and the final checkpoint is cosigned by a quorum, as the strict
audit requires; the bundle verifies clean.

Reported beside each other, from the same run: entries/s on one core, on every core
(client/audit_pool.py), the floor (two Ed25519 verifications per entry — the hub's on
the event and the sender's or receipt signer's on its payload — measured directly, per
core, times the cores) and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from dataclasses import replace
from typing import Any

from hotline.client.audit_pool import cores, verify_on_all_cores
from hotline.protocol import Receipt, SigningKey, encode_body, new_message_id, seal
from hotline.protocol.audit import Checkpoint, verify_bundle, write_bundle
from hotline.protocol.envelope import Envelope
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import Frontier, leaf_hash
from hotline.protocol.witness import Cosignature
from tests.factories import Network, make_network

__all__ = ["build_bundle", "measure"]


T0 = 1_790_000_000_000
OTHERS = ("AL", "BA", "HR", "ME", "MK", "XK")


def _base(net: Network, suite: str) -> Envelope:
    """One sealed envelope; the others differ in id, seq and time (same body)."""
    assert net.roster is not None
    sender = net["RS/officer-1"]
    base = Envelope(
        1, new_message_id(T0, os.urandom(10)), "RS", sender.device_id, OTHERS,
        "hotline_message", "FLASH", False, T0, None, None, 1, 1, suite,
    )  # fmt: skip
    targets = [
        (d.id, d.encryption_key) for d in net.roster.seal_targets("RS", OTHERS) if d.encryption_key
    ]
    body = encode_body("hotline_message", {"text": "x" * 900, "lang": "en"})
    ct = seal(body, base.header_digest(), suite, targets, os.urandom(44))  # type: ignore[arg-type]
    return replace(base, ciphertext=ct)


def _events(net: Network, n: int, suite: str) -> list[bytes]:
    """The log: the roster, then messages each followed by two delivery receipts."""
    assert net.roster is not None
    hub, sender, base = net["HUB/hub-1"], net["RS/officer-1"], _base(net, suite)

    def logged(ev: LogEvent) -> bytes:
        return ev.signed(hub.sign).encode()

    events = [logged(LogEvent("roster", T0, hub.device_id, net.roster.encode()))]
    recipients = [net[f"{p}/officer-1"] for p in OTHERS[:2]]
    i = 0
    while len(events) < n:
        i += 1
        mid = new_message_id(T0 + i, os.urandom(10))
        env = replace(base, id=mid, seq=i, created_ms=T0 + i).signed(sender.sign)
        events.append(logged(LogEvent("accepted", T0 + i, hub.device_id, env.encode())))
        for r in recipients[: n - len(events)]:
            rc = Receipt(1, env.id, r.device_id, "delivered", T0 + i).signed(r.sign)
            ev = LogEvent("receipt", T0 + i, hub.device_id, rc.encode(), {"sender": "RS"})
            events.append(logged(ev))
    return events


def _checkpoints(net: Network, events: list[bytes]) -> list[Checkpoint]:
    """One hub checkpoint per 64 entries, as the hub's checkpointer signs them."""
    assert net.roster is not None
    hub, f, window, cps = net["HUB/hub-1"], Frontier(), [], []
    for k, e in enumerate(events):
        f.append(leaf_hash(e))
        window.append(leaf_hash(e))
        if len(window) == 64 or k == len(events) - 1:
            prev = f.size - len(window)
            cps.append(
                Checkpoint.make(
                    hub.sign, net.roster.network, hub.device_id, f.root(), T0, prev, window
                )
            )
            window = []
    return cps


def build_bundle(n: int, suite: str = "pq") -> bytes:
    """A clean bundle of ``n`` entries, the final checkpoint cosigned by a quorum."""
    net = make_network(suite=suite)  # type: ignore[arg-type]
    assert net.roster is not None
    events = _events(net, n, suite)
    cps = _checkpoints(net, events)
    quorum = [net[f"{p}/officer-1"] for p in net.roster.party_codes()[: net.roster.quorum]]
    return write_bundle(
        {"synthetic": True},
        [net.roster.encode()],
        [(f"{T0 + k}-0", e) for k, e in enumerate(events)],
        [c.encode() for c in cps],
        [Cosignature.make(w.sign, w.device_id, cps[-1], T0).encode() for w in quorum],
    )


def ed25519_verify_us(reps: int = 2000) -> float:
    """CPU µs of one Ed25519 verification here (the audit's floor per signature).

    CPU time, not wall time: on a shared machine the wall clock also counts the other
    tenants' turns, the CPU time only this work.
    """
    key = SigningKey(bytes(range(32)))
    msg = bytes(300)
    sig, vk = key.sign(msg), key.verify_key
    t = time.process_time()
    for _ in range(reps):
        vk.verify(sig, msg)
    return (time.process_time() - t) / reps * 1e6


def _cpu() -> float:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process and its finished workers)."""
    t, c = time.perf_counter(), _cpu()
    rep = fn(*args, **kw)
    secs, cpu = time.perf_counter() - t, _cpu() - c
    assert rep.ok and not rep.findings, rep.findings[:3]
    return secs, cpu


def measure(n: int, workers: int | None = None) -> dict[str, Any]:
    t = time.perf_counter()
    data = build_bundle(n)
    built = time.perf_counter() - t
    load_before = os.getloadavg()
    one, one_cpu = _timed(verify_bundle, data)
    k = workers or cores()
    many, many_cpu = _timed(verify_on_all_cores, data, workers=k)
    us = ed25519_verify_us()
    return {
        "entries": n,
        "bundle_mib": round(len(data) / 2**20, 1),
        "build_s": round(built, 1),
        "verify_s": round(one, 2),
        "audit_verify_per_s": round(n / one),
        "cpu_us_per_entry": round(one_cpu / n * 1e6),
        "workers": k,
        "verify_s_all_cores": round(many, 2),
        "audit_verify_per_s_all_cores": round(n / many),
        "cpu_us_per_entry_all_cores": round(many_cpu / n * 1e6),
        "ed25519_verify_us": round(us, 1),
        # two signatures per entry: the ceiling no verifier of this log can pass here
        "floor_per_s_one_core": round(1e6 / (2 * us)),
        "floor_per_s_all_cores": round(k * 1e6 / (2 * us)),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--entries", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=None)
    a = p.parse_args()
    print(json.dumps(measure(a.entries, a.workers)))
