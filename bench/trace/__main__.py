"""`python -m bench.trace [--seconds S] [--rate R] [--background N] [--hub-only]`: one
traced FLASH run.

Starts its own Redis and hub, runs FLASH at R/s (over N routine msgs/s if asked) with
HOTLINE_TRACE set in every process, and prints the per-hop breakdown (p50 / p99 of each
segment, and of the whole chain) beside the end-to-end figures.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from hotline.server.redis_process import RedisProcess

from ..hubload.scenario import hub_flash
from .scenario import format_hops, traced_flash


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.trace")
    p.add_argument("--seconds", type=float, default=8)
    p.add_argument("--rate", type=float, default=2)
    p.add_argument("--background", type=float, default=0, help="routine msgs/s beside")
    p.add_argument("--pinned", action="store_true", help="hub + Redis apart from the clients")
    p.add_argument("--json", action="store_true", help="the whole result as JSON")
    p.add_argument("--hub-only", action="store_true", help="FLASH 10/s alone through the hub alone")
    a = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hotline-trace-") as d:
        tmp = Path(d)
        if a.hub_only:  # pre-signed envelopes, no client in the path (bench/hubload)
            res = hub_flash(tmp, duration=a.seconds, pinned=True, background=False)
            res["flash_p50_ms"], res["flash_p99_ms"] = res["urgent_p50_ms"], res["urgent_p99_ms"]
            print(json.dumps(res, indent=1) if a.json else format_hops(res))
            return 0
        redis = RedisProcess(tmp / "redis").start()
        try:
            res = traced_flash(
                tmp,
                redis.url,
                a.seconds,
                a.rate,
                background=a.background,
                pinned=a.pinned,
                redis_pid=redis.proc.pid if redis.proc else None,
            )
        finally:
            redis.stop()
    print(json.dumps(res, indent=1) if a.json else format_hops(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
