"""The traced FLASH scenario: FLASH messages with HOTLINE_TRACE set in every process.

The hub and the client call `hotline.runtime.trace.point` at their hops (the list is in
docs/performance.md, "FLASH per hop"); the bench workers add bench_send and bench_seen;
`merge.breakdown` joins them by message id into the per-hop breakdown.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from ..e2e import run_e2e
from ..hubload.scenario import core_plan
from ..net import Net
from ..probes import pin
from .hook import ENV
from .merge import breakdown

__all__ = ["traced_flash"]


def traced_flash(
    tmp: Path,
    redis_url: str,
    duration: float,
    rate: float = 2,
    background: float = 0,
    *,
    pinned: bool = False,
    redis_pid: int | None = None,
) -> dict[str, Any]:
    """FLASH at `rate`/s, traced (over `background` routine msgs/s when > 0): the
    end-to-end figures and the per-hop breakdown of the FLASH messages.

    `pinned`: the hub (and Redis, given its pid) on the first core, every client process
    on the others, so that the scheduler does not put a client's cryptography between
    the hub and its socket; the box's other work still shares every core.
    """
    tag = f"flash-traced-{background:g}-{int(pinned)}"
    where = tmp / tag
    old = os.environ.get(ENV)
    os.environ[ENV] = str(where)  # inherited by the hubs and workers started below
    server, load, _note = core_plan()
    keep = os.sched_getaffinity(0)
    try:
        if pinned and redis_pid is not None:
            pin(redis_pid, server)
        if pinned:  # the workers started below inherit this; the hub is placed apart
            os.sched_setaffinity(0, load)
        net = Net(
            tmp, redis_url, preexec=(lambda _i: os.sched_setaffinity(0, server)) if pinned else None
        )
        try:
            specs = [("HR/feed-1", rate, "FLASH")]
            if background:
                specs.insert(0, ("RS/feed-1", background, "ROUTINE"))
            res = run_e2e(net, tag, specs, duration)
        finally:
            net.stop()
    finally:
        os.sched_setaffinity(0, keep)
        if pinned and redis_pid is not None:
            pin(redis_pid, keep)
        if old is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old
    res["pinned"] = pinned
    # the FLASH sender's messages only (it is the last spec): routine ones are traced too
    sent = tmp / f"{tag}-send{1 if background else 0}.txt"
    flash = {uuid.UUID(line.split()[0]).hex for line in sent.read_text().splitlines()}
    res["per_hop"] = breakdown(where, only=flash)
    return res


def format_hops(res: dict[str, Any]) -> str:
    """The per-hop table, in hop order, and the end-to-end FLASH figures."""
    hops = res.get("per_hop", {})
    lines = [f"{'segment':44s} {'n':>6s} {'p50 ms':>8s} {'p99 ms':>8s}"]
    for name, v in hops.get("segments", {}).items():
        lines.append(f"{name:44s} {v['n']:6d} {_f(v['p50_ms'])} {_f(v['p99_ms'])}")
    t = hops.get("total", {})
    lines.append(
        f"{'whole chain':44s} {t.get('n', 0):6d} {_f(t.get('p50_ms'))} {_f(t.get('p99_ms'))}"
    )
    lines.append(
        f"end to end (bench): FLASH p50 {res.get('flash_p50_ms')} ms, "
        f"p99 {res.get('flash_p99_ms')} ms"
    )
    return "\n".join(lines)


def _f(x: float | None) -> str:
    return f"{x:8.2f}" if isinstance(x, int | float) else f"{'–':>8s}"
