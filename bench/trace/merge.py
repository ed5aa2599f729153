"""Merge every process's trace lines into per-hop latencies (p50 / p99 per segment)."""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..common import pct
from .hook import HOPS

__all__ = ["Chains", "breakdown", "chains", "read_points"]

# mid -> hop -> who -> first monotonic ns
Points = dict[str, dict[str, dict[str, int]]]
# (mid, receiving device) -> [(hop, ns)] in hop order
Chains = dict[tuple[str, str], list[tuple[str, int]]]
PER_DEVICE = frozenset(HOPS[HOPS.index("hub_pump_read") :])


def read_points(directory: Path) -> Points:
    pts: Points = defaultdict(lambda: defaultdict(dict))
    for f in sorted(Path(directory).glob("*.trace")):
        for line in f.read_text(encoding="ascii", errors="replace").splitlines():
            parts = line.split()
            if len(parts) != 5 or parts[0] not in HOPS:
                continue  # a torn last line, or a hop this bench does not know
            hop, mid, mono, _real, who = parts
            pts[mid][hop].setdefault(who, int(mono))  # the first time, if logged twice
    return pts


def chains(pts: Points) -> Chains:
    """One chain per (message, receiving device): shared hops, then that device's."""
    out: Chains = {}
    for mid, hops in pts.items():
        shared = [(h, min(hops[h].values())) for h in HOPS if h not in PER_DEVICE and h in hops]
        devices = {w for h in PER_DEVICE for w in hops.get(h, {})}
        for dev in sorted(devices) or ["-"]:
            own = [(h, hops[h][dev]) for h in HOPS if h in PER_DEVICE and dev in hops.get(h, {})]
            out[(mid, dev)] = shared + own
    return out


def breakdown(directory: Path, only: set[str] | None = None) -> dict[str, Any]:
    """p50/p99 ms of every consecutive segment seen, and of the whole chain.

    `only`: the message ids (hex) to count, say the FLASH ones of a mixed run.
    """
    seg: dict[str, list[float]] = defaultdict(list)
    total: list[float] = []
    pts = read_points(directory)
    if only is not None:
        pts = {m: h for m, h in pts.items() if m in only}
    cs = chains(pts)
    for chain in cs.values():
        for (h1, t1), (h2, t2) in itertools.pairwise(chain):
            seg[f"{h1}→{h2}"].append((t2 - t1) / 1e6)
        if len(chain) > 1:
            total.append((chain[-1][1] - chain[0][1]) / 1e6)
    out: dict[str, Any] = {"chains": len(cs), "segments": {}}
    for name, xs in seg.items():
        out["segments"][name] = {
            "n": len(xs),
            "p50_ms": _r(pct(xs, 0.5)),
            "p99_ms": _r(pct(xs, 0.99)),
        }
    out["total"] = {"n": len(total), "p50_ms": _r(pct(total, 0.5)), "p99_ms": _r(pct(total, 0.99))}
    return out


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 2)
