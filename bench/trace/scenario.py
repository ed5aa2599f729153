"""The traced FLASH scenario: idle FLASH messages with HOTLINE_TRACE set in every process.

Until the hub and the client call `hook.point` at their hops (the lead places them after
the restructuring; the list is in docs/performance.md), the chain holds the bench
workers' own points only (bench_send → bench_seen); the same merge then shows every hop.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..e2e import run_e2e
from ..net import Net
from .hook import ENV
from .merge import breakdown

__all__ = ["traced_flash"]


def traced_flash(tmp: Path, redis_url: str, duration: float, rate: float = 2) -> dict[str, Any]:
    """FLASH at `rate`/s on an idle network, traced; the end-to-end figures and per hop."""
    where = tmp / "trace"
    old = os.environ.get(ENV)
    os.environ[ENV] = str(where)  # inherited by the hubs and workers started below
    try:
        net = Net(tmp, redis_url)
        try:
            res = run_e2e(net, "flash-idle", [("HR/feed-1", rate, "FLASH")], duration)
        finally:
            net.stop()
    finally:
        if old is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = old
    res["per_hop"] = breakdown(where)
    return res
