"""What every bench module shares: where things are, the parties, percentiles, the machine.

The box is shared with other work, so every report records the machine's state beside
its figures: load average, cores, and how long one Ed25519 verify took that hour (the
figure most others scale with).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

__all__ = [
    "PARTIES",
    "PY",
    "ROOT",
    "TAKING_PART",
    "machine_state",
    "pct",
    "rate",
    "verify_us",
]

ROOT = Path(__file__).resolve().parents[1]
PARTIES = ["AL", "BA", "HR", "ME", "MK", "RS", "XK"]
PY = sys.executable
# the devices the end-to-end scenarios connect: receivers (officer-1 of each party), senders
TAKING_PART = {f"{p}/officer-1" for p in PARTIES} | {"RS/feed-1", "HR/feed-1"}


def pct(xs: list[float], q: float) -> float | None:
    """The q-quantile of xs (nearest rank), None when empty."""
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def rate(n: float, secs: float) -> float:
    """n per second, rounded for a report; 0 when no time passed."""
    return round(n / secs, 1) if secs > 0 else 0.0


def verify_us(n: int = 2000) -> float:
    """One Ed25519 verify with `cryptography`, µs (the yardstick of this hour)."""
    from hotline.protocol import SigningKey

    key = SigningKey(os.urandom(32))
    msg = os.urandom(1200)
    sig = key.sign(msg)
    t = time.perf_counter()
    for _ in range(n):
        key.verify_key.verify(sig, msg)
    return round((time.perf_counter() - t) / n * 1e6, 1)


def machine_state() -> dict[str, Any]:
    """Cores, load average and the Ed25519 verify time right now."""
    one, five, fifteen = os.getloadavg()
    return {
        "cores": os.cpu_count(),
        "loadavg_1_5_15": [round(one, 2), round(five, 2), round(fifteen, 2)],
        "ed25519_verify_us": verify_us(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
