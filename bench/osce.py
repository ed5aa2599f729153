"""The OSCE's size (issue 19.6): 57 participating States, 3 devices each.

Measured on a real 57-party home (`init_network(..., officers=2)`: two officers and a
feed per party, plus the auditor): envelope bytes and wraps, seal and open time, where
the frame limits bind, and the hub on its own with these envelopes — today's one wrap per
device beside the per-party prototype (one wrap per party, today's wire format). MLS
(RFC 9420) has no maintained Python implementation to measure (see `mls_estimate`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from hotline.client.home import Home
from hotline.client.init import init_network
from hotline.protocol import open_sealed
from hotline.protocol.constants import MAX_BIN, MAX_BODY, MAX_FRAME, MAX_RECIPIENTS, MAX_WRAPS

from .hubload.envelopes import Scheme, seal_once
from .hubload.scenario import Load, hub_only

__all__ = ["OSCE57", "limits", "mls_estimate", "osce57", "scheme_costs"]

# the 57 participating States of the OSCE, ISO 3166-1 alpha-2
_CODES = (
    "AD AL AM AT AZ BA BE BG BY CA CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IS IT KG KZ "
    "LI LT LU LV MC MD ME MK MN MT NL NO PL PT RO RS RU SE SI SK SM TJ TM TR UA US UZ VA"
)
OSCE57 = tuple(_CODES.split())
SENDERS = ("RS/feed-1", "HR/feed-1")


def _time_ms(fn: Any, n: int) -> float:
    t = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - t) / n / 1e6


def scheme_costs(home: Home, scheme: Scheme, n: int) -> dict[str, Any]:
    """Envelope bytes, wraps, seal and open time of a 1 KB notice to all, by scheme."""
    now = time.time_ns() // 1_000_000
    roster = home.roster(now)
    dev, recv = home.device(SENDERS[0]), home.device("HR/officer-1")
    env = seal_once(dev, roster, now, scheme, "ROUTINE")
    from hotline.protocol.sealing import Sealed

    wraps = Sealed.decode(env.ciphertext).wraps
    opener = recv.id if recv.id in wraps else next(k for k in wraps if k.startswith("HR/"))
    key = home.device(opener).enc
    assert key is not None
    hd = env.header_digest()
    return {
        "wraps": len(wraps),
        "envelope_bytes": len(env.encode()),
        "ciphertext_bytes": len(env.ciphertext),
        "bytes_per_wrap": round((len(env.ciphertext) - 1100) / len(wraps)),
        "seal_ms": round(_time_ms(lambda: seal_once(dev, roster, now, scheme, "ROUTINE"), n), 2),
        "open_ms": round(_time_ms(lambda: open_sealed(env.ciphertext, hd, opener, key), n), 3),
    }


def limits(per_wrap: int) -> dict[str, Any]:
    """Where today's limits bind for one wrap of `per_wrap` bytes (the body in MAX_BIN too)."""
    overhead = 64  # nonce, AEAD tag, msgpack headers
    fit_1kb = (MAX_BIN - 1024 - overhead) // per_wrap
    fit_max = (MAX_BIN - MAX_BODY - overhead) // per_wrap
    wanted = len(OSCE57) * 3 + 1  # with the auditor
    return {
        "MAX_FRAME": MAX_FRAME,
        "MAX_BIN": MAX_BIN,
        "MAX_WRAPS": MAX_WRAPS,
        "MAX_RECIPIENTS": MAX_RECIPIENTS,
        "max_wraps_1kb_body": min(MAX_WRAPS, fit_1kb),
        "max_wraps_max_body": min(MAX_WRAPS, fit_max),
        "osce57_devices_fit_1kb_body": fit_1kb >= wanted,
        "osce57_devices_fit_max_body": fit_max >= wanted,
        "recipients_fit": len(OSCE57) - 1 <= MAX_RECIPIENTS,
    }


def _hpke_costs(n: int) -> dict[str, float]:
    """One pq HPKE wrap and one ML-KEM-768+X25519 key derivation from a seed, µs."""
    import os

    from hotline.protocol import EncryptionPrivateKey
    from hotline.protocol.sealing import hpke_suite

    hs = hpke_suite("pq")
    pub = EncryptionPrivateKey("pq", os.urandom(96)).public.hpke_key()
    t = time.perf_counter_ns()
    for _ in range(n):
        hs.encrypt(os.urandom(32), pub, info=b"i")
    wrap = (time.perf_counter_ns() - t) / n / 1e3
    t = time.perf_counter_ns()
    for _ in range(n):  # MLS derives each path node's key pair from its path secret
        EncryptionPrivateKey("pq", os.urandom(96))
    keygen = (time.perf_counter_ns() - t) / n / 1e3
    return {"hpke_wrap_us": round(wrap, 1), "kem_keygen_us": round(keygen, 1)}


def mls_estimate(devices: int, n: int) -> dict[str, Any]:
    """MLS (RFC 9420) with an X-Wing-like KEM: sizes from the RFC's structures, times from
    this run's primitives. Not measured with an MLS implementation: none maintained in
    Python exists (pure-mls is a young pure-Python one; mls-rs / OpenMLS have only
    third-party bindings) — say so wherever this is quoted.
    """
    depth = max(1, (devices - 1).bit_length())  # levels of a full ratchet tree
    prim = _hpke_costs(n)
    pub, enc = 1216, 1120  # ML-KEM-768+X25519 public key; encapsulation + X25519 share
    return {
        **prim,
        "tree_depth": depth,
        # PrivateMessage: group id, epoch, sender data, AEAD tags, the inner signature
        "application_message_overhead_bytes": 160,
        "commit_path_bytes_best": depth * (pub + enc + 48) + 300,
        "commit_seal_ms_best": round(
            depth * (prim["hpke_wrap_us"] + prim["kem_keygen_us"]) / 1e3, 2
        ),
        # after removals leave blank nodes, a copath resolution can reach every leaf
        "commit_seal_ms_worst": round((devices - 1) * prim["hpke_wrap_us"] / 1e3, 2),
        "member_process_commit_ms": round(
            (prim["hpke_wrap_us"] + depth * prim["kem_keygen_us"]) / 1e3, 2
        ),
        "ratchet_tree_bytes": devices * (pub + 180) + (devices - 1) * (pub + 40),
    }


def _osce_home(tmp: Path) -> Path:
    home = tmp / "osce57"
    if not home.exists():
        init_network(home, OSCE57, suite="pq", port=1, officers=2)
    return home


def osce57(tmp: Path, quick: bool) -> dict[str, Any]:
    """Bytes, seal time, limits and hub-only msgs/s for the 57-party network."""
    t = time.monotonic()
    home = _osce_home(tmp)
    h = Home(home)
    out: dict[str, Any] = {"parties": len(OSCE57), "devices_per_party": 3}
    out["init_s"] = round(time.monotonic() - t, 1)
    out["device"] = scheme_costs(h, "device", 3 if quick else 10)
    out["party"] = scheme_costs(h, "party", 3 if quick else 10)
    out["envelope_bytes"] = out["device"]["envelope_bytes"]
    out["limits"] = limits(out["device"]["bytes_per_wrap"])
    out["mls_estimate"] = mls_estimate(out["device"]["wraps"], 20 if quick else 100)
    # one device per party connected (fan-out 57): what the load core can take
    receivers = tuple(f"{p}/officer-1" for p in OSCE57 if p not in ("RS", "HR"))
    count = 60 if quick else 300
    for scheme in ("device", "party"):
        # 16 unanswered 200 KB submits per sender: with 256, one 64-envelope burst (13 MB in
        # one Redis pipeline) came back `unavailable` in a run on this machine
        load = Load(
            home, senders=SENDERS, receivers=receivers, count=count, scheme=scheme, window=16
        )
        key = "hub_only" if scheme == "device" else "hub_only_party"
        out[key] = hub_only(tmp, load=load)
    return out
