"""Component costs measured in-process: signatures, seal/open, decode, audit verify."""

from __future__ import annotations

import os
import time
from typing import Any

__all__ = ["components", "signatures", "suite_costs"]


def signatures(n: int) -> dict[str, float]:
    """Ed25519 sign and verify with `cryptography`, µs each."""
    from hotline.protocol import SigningKey

    key = SigningKey(os.urandom(32))
    msg = os.urandom(1200)
    t = time.perf_counter()
    for _ in range(n):
        sig = key.sign(msg)
    sign_us = (time.perf_counter() - t) / n * 1e6
    t = time.perf_counter()
    for _ in range(n):
        key.verify_key.verify(sig, msg)
    verify_us = (time.perf_counter() - t) / n * 1e6
    return {"ed25519_sign_us": round(sign_us, 1), "ed25519_verify_us": round(verify_us, 1)}


def suite_costs(suite: str, m: int) -> dict[str, float]:
    """Seal 1 KB to 7 devices, and open one wrap, ms each."""
    from hotline.protocol import EncryptionPrivateKey, open_sealed, seal, seed_length

    keys = [EncryptionPrivateKey(suite, os.urandom(seed_length(suite))) for _ in range(7)]  # type: ignore[arg-type]
    hd = os.urandom(32)
    targets = [(f"P{i}/d", k.public) for i, k in enumerate(keys)]
    t = time.perf_counter()
    for _ in range(m):
        sealed = seal(os.urandom(1024), hd, suite, targets, os.urandom(44))  # type: ignore[arg-type]
    seal_ms = (time.perf_counter() - t) / m * 1e3
    t = time.perf_counter()
    for _ in range(m):
        open_sealed(sealed, hd, "P0/d", keys[0])
    open_ms = (time.perf_counter() - t) / m * 1e3
    return {f"seal7_{suite}_ms": round(seal_ms, 3), f"open_{suite}_ms": round(open_ms, 3)}


def components(quick: bool) -> dict[str, Any]:
    from hotline.protocol import Envelope
    from tests.factories import make_envelope, make_network

    from .audit_verify import measure

    n = 2000 if quick else 10000
    out: dict[str, Any] = signatures(n)
    for suite in ("pq", "classic"):
        out.update(suite_costs(suite, 200 if quick else 1000))
    env = make_envelope(make_network(suite="pq")).encode()
    t = time.perf_counter()
    for _ in range(n):
        Envelope.decode(env)
    out["envelope_decode_us"] = round((time.perf_counter() - t) / n * 1e6, 1)
    out["envelope_bytes_pq_7"] = len(env)
    out["audit"] = measure(5000 if quick else 100_000)
    return out
