"""`python -m bench [--quick] [--only GROUPS]`: every figure beside its floor and its peer.

Starts everything on loopback: its own redis-server (appendonly yes, appendfsync always),
hub processes, load generators and receivers in separate processes, NATS JetStream when
`nats-server` and nats-py are installed. Writes bench/results/latest.json and latest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotline.server.redis_process import RedisProcess

from .common import ROOT, machine_state
from .report import headline, table

__all__ = ["GROUPS", "main"]

GROUPS = ("hub", "e2e", "client", "osce", "components", "attack")
SAT = [("RS/feed-1", 0.0, "ROUTINE"), ("HR/feed-1", 0.0, "ROUTINE")]


def hub_group(tmp: Path, q: bool, res: dict[str, Any]) -> None:
    """The hub on its own, its floor, JetStream like for like, two hubs (19.1, 19.7)."""
    from .hubload.scenario import hub_flash, hub_floor, hub_only, jetstream_like_for_like

    count = 1500 if q else 5000
    res["hub_only"] = hub_only(tmp, count=count)
    res["hub_floor"] = hub_floor(tmp / "home", n=1000 if q else 5000)
    size = res["hub_only"].get("envelope_bytes", 19_000)
    res["jetstream_like_for_like"] = jetstream_like_for_like(tmp, 2 * count, size)
    res["hub_only_two_hubs"] = hub_only(tmp, hubs=2, count=count)
    for pinned in (True, False):
        key = "hub_flash_pinned" if pinned else "hub_flash_unpinned"
        res[key] = hub_flash(tmp, duration=5 if q else 15, pinned=pinned)
    res["hub_flash_idle"] = hub_flash(tmp, duration=5 if q else 15, pinned=True, background=False)
    if not q:
        res["hub_only_tls"] = hub_only(tmp, count=count, tls=True)
        res["hub_floor_tls"] = hub_floor(tmp / "home", n=5000, tls=True)
        res["hub_only_profiled"] = hub_only(tmp, count=count, profile_s=15)


def e2e_group(tmp: Path, q: bool, res: dict[str, Any]) -> None:
    """Real clients end to end (the previous rounds' scenarios) and their baselines."""
    from .baselines import baseline
    from .e2e import cluster_e2e, run_e2e
    from .jetstream import jetstream
    from .net import Net
    from .probes import idle_connections, profile_during
    from .trace.scenario import traced_flash

    redis = RedisProcess(tmp / "redis").start()
    try:
        res["baseline"] = asyncio.run(baseline(redis.url, 2000 if q else 10000))
        res["jetstream"] = asyncio.run(jetstream(2000 if q else 10000, tmp))
        dur = 8 if q else 20
        net = Net(tmp, redis.url)
        try:
            res["e2e_saturation"] = run_e2e(net, "sat", SAT, dur)
            res["e2e_100"] = run_e2e(net, "r100", [("RS/feed-1", 100, "ROUTINE")], dur)
            res["flash"] = run_e2e(
                net, "flash", [("RS/feed-1", 100, "ROUTINE"), ("HR/feed-1", 10, "FLASH")], dur
            )
            if not q:
                both = [("RS/feed-1", 500, "ROUTINE"), ("HR/feed-1", 500, "ROUTINE")]
                res["e2e_1000"] = run_e2e(net, "r1000", both, dur)
                res["profile"] = profile_during(
                    net.pids()[0], 12, tmp / "hub.raw", lambda: run_e2e(net, "prof", SAT, 15)
                )
                res["idle"] = idle_connections(net.home, net.url(0), net.pids()[0], 10_000, tmp)
        finally:
            net.stop()
        res["flash_idle"] = traced_flash(tmp, redis.url, dur / 2)
        # the same FLASH-under-routine load as "flash", traced, hub + Redis apart from the
        # clients: the pinned figure beside the unpinned one above (19.3)
        assert redis.proc is not None
        res["flash_pinned"] = traced_flash(
            tmp, redis.url, dur, rate=10, background=100, pinned=True, redis_pid=redis.proc.pid
        )
        if not q:
            net2 = Net(tmp, redis.url, hubs=2)
            try:
                res["e2e_two_hubs"] = run_e2e(net2, "two", SAT, dur)
            finally:
                net2.stop()
            res["e2e_cluster"] = cluster_e2e(tmp, dur)
    finally:
        redis.stop()


def client_group(tmp: Path, q: bool, res: dict[str, Any]) -> None:
    from .client_floor import client_floor

    res["client_floor"] = client_floor(quick=q)


def osce_group(tmp: Path, q: bool, res: dict[str, Any]) -> None:
    from .osce import osce57

    res["osce57"] = osce57(tmp, quick=q)


def components_group(tmp: Path, q: bool, res: dict[str, Any]) -> None:
    from .components import components

    res["components"] = components(q)


def attack_group(tmp: Path, q: bool, res: dict[str, Any]) -> None:
    """FLASH at 10/s without, then with, the attack mix of issue 16 (16.10)."""
    from .attacks import flash_under_attack

    res["flash_attack"] = flash_under_attack(tmp, duration=5 if q else 15)


RUN: dict[str, Callable[[Path, bool, dict[str, Any]], None]] = {
    "hub": hub_group,
    "e2e": e2e_group,
    "client": client_group,
    "osce": osce_group,
    "components": components_group,
    "attack": attack_group,
}


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--quick", action="store_true", help="every headline, reduced (~4 min)")
    ap.add_argument("--only", default=",".join(GROUPS), help=f"groups: {','.join(GROUPS)}")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    a = ap.parse_args(argv)
    a.groups = [g.strip() for g in a.only.split(",") if g.strip()]
    unknown = set(a.groups) - set(GROUPS)
    if unknown:
        ap.error(f"unknown group(s) {sorted(unknown)}: choose from {', '.join(GROUPS)}")
    return a


def main(argv: list[str] | None = None) -> int:
    a = _args(argv)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    res: dict[str, Any] = {"quick": a.quick, "groups": a.groups, "machine": machine_state()}
    t0 = time.monotonic()
    try:
        for g in a.groups:
            t = time.monotonic()
            RUN[g](tmp, a.quick, res)
            res.setdefault("group_seconds", {})[g] = round(time.monotonic() - t, 1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res["machine_after"] = machine_state()
    res["seconds"] = round(time.monotonic() - t0, 1)
    latest = headline(res)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "latest.json").write_text(json.dumps(latest, indent=1) + "\n")
    (a.out / "latest.md").write_text(table(latest))
    print(table(latest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
