"""The hub on its own (issue 19.1, 19.7): hub and Redis on one core, the load on the other.

Beside it, in the same run: the floor (`floor.py`) and NATS JetStream doing the same work
on the same core budget — nats-server on the server core, its load on the load core.
CPU comes from /proc/<pid>/stat of the server processes, over exactly the window in
which the load ran (from "go" to the last delivery acked).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from hotline.client.home import Home
from hotline.server.redis_process import RedisProcess

from ..common import PARTIES, PY, ROOT
from ..jetstream import available, jetstream_load, nats_server
from ..net import Net
from ..probes import core_busy_seconds, cpu_seconds, pin, profile_during
from ..trace import hook as trace
from ..trace.merge import breakdown
from .envelopes import presigned
from .floor import floor

__all__ = [
    "RECEIVERS",
    "SENDERS",
    "Load",
    "core_plan",
    "hub_flash",
    "hub_floor",
    "hub_only",
    "jetstream_like_for_like",
]

SENDERS = ["RS/feed-1", "HR/feed-1"]
# one device per party: the two senders (who receive too) and five officers → fan-out 7
RECEIVERS = [f"{p}/officer-1" for p in PARTIES if p not in ("RS", "HR")]


def core_plan() -> tuple[set[int], set[int], str | None]:
    """(server cores, load cores, note): core 0 serves, the last core loads."""
    n = os.cpu_count() or 1
    if n < 2:
        return {0}, {0}, "one core only: the load shares the server's core"
    return {0}, {n - 1}, None


@contextlib.contextmanager
def _affinity(cores: set[int]) -> Iterator[None]:
    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cores)
    try:
        yield
    finally:
        os.sched_setaffinity(0, old)


def _line(stream: IO[str]) -> dict[str, Any]:
    line = stream.readline()
    if not line:
        raise RuntimeError("the load generator ended without a result: see its stderr")
    return dict(json.loads(line))


@dataclass(frozen=True)
class Load:
    """Who sends, who only receives, how many envelopes each sender replays, and how sealed."""

    home: Path
    senders: tuple[str, ...] = tuple(SENDERS)
    receivers: tuple[str, ...] = tuple(RECEIVERS)
    count: int = 1500
    scheme: str = "device"
    drain_s: float = 30.0  # how long the tail may take to be delivered after the last answer
    window: int = 256  # unanswered submits per sender: enough to keep the hub busy
    duration: float = 10.0  # seconds, for senders given as DEVICE:RATE[:PRECEDENCE]


def _loadgen(load: Load, urls: list[str], cores: set[int]) -> subprocess.Popen[str]:
    args = ["--home", str(load.home), "--hubs", ",".join(urls), "--count", str(load.count)]
    args += ["--senders", ",".join(load.senders), "--receivers", ",".join(load.receivers)]
    args += ["--drain-s", str(load.drain_s), "--window", str(load.window)]
    args += ["--duration", str(load.duration)]
    return subprocess.Popen(
        [PY, "-m", "bench.hubload.loadgen", *args, "--scheme", load.scheme],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.sched_setaffinity(0, cores),
    )


def _drive(
    gen: subprocess.Popen[str], pids: dict[str, int]
) -> tuple[dict[str, Any], dict[str, float]]:
    """Wait for ready, start the load, return its result and each pid's CPU seconds.

    `used["core:N"]` is everything that ran on core N meanwhile, other processes'
    included: on a shared box it says whether the core was free or taken.
    """
    assert gen.stdin is not None and gen.stdout is not None
    ready = _line(gen.stdout)  # connected, envelopes signed
    n = os.cpu_count() or 1
    pids = {**pids, **{f"core:{c}": -1 - c for c in range(n)}}
    before = {k: _cpu(p) for k, p in pids.items()}
    gen.stdin.write("go\n")
    gen.stdin.flush()
    res = _line(gen.stdout)
    used = {k: _cpu(p) - before[k] for k, p in pids.items()}
    gen.wait(30)
    ready.pop("ready", None)
    return {**ready, **res}, used


def _cpu(pid: int) -> float:
    """A process's CPU seconds; a negative pid -1-N stands for everything on core N."""
    return core_busy_seconds([-1 - pid]) if pid < 0 else cpu_seconds(pid)


def _per_message(res: dict[str, Any], used: dict[str, float], hubs: int) -> dict[str, Any]:
    n, d = max(res["accepted"], 1), max(res["deliveries"], 1)
    server = sum(v for k, v in used.items() if k.startswith(("hub", "redis")))
    hub = sum(v for k, v in used.items() if k.startswith("hub"))
    secs = max(res["seconds"], 1e-9)
    return {
        "hub_cpu_us_per_msg": round(server / n * 1e6, 1),
        # what that CPU per message allows on one whole core, whoever else wants it
        "server_core_capacity_msgs_per_s": round(n / max(server, 1e-9), 1),
        "hub_cpu_us_per_delivery": round(server / d * 1e6, 1),
        "hub_process_us_per_msg": round(hub / n * 1e6, 1),
        "redis_us_per_msg": round(used["redis"] / n * 1e6, 1),
        # how busy each side was: near 1.0 per core means that side was the limit
        "server_cores_busy": round(server / secs, 2),
        "hub_cores_busy": {k: round(v / secs, 2) for k, v in used.items() if k.startswith("hub")},
        "loadgen_cores_busy": round(used["loadgen"] / secs, 2),
        # every process's time on each core, ours and other agents' (the box is shared)
        "core_busy_all_processes": {
            k[5:]: round(v / secs, 2) for k, v in used.items() if k.startswith("core:")
        },
        "hubs": hubs,
    }


def _placement(
    hubs: int, pinned: bool = True
) -> tuple[list[set[int]], set[int], set[int], str | None]:
    """Cores for each hub, for Redis, for the load: two hubs leave no core for the load."""
    server, load, note = core_plan()
    n = os.cpu_count() or 1
    if not pinned:
        every = set(range(n))
        return [every] * hubs, every, every, "unpinned: the scheduler places everything"
    if hubs == 1:
        return [server], server, load, note
    return [{i % n} for i in range(hubs)], server, set(range(n)), note


def _profiled(
    gen: subprocess.Popen[str], pids: dict[str, int], profile_s: float, out: Path
) -> tuple[dict[str, Any], dict[str, float], Any]:
    """`_drive`, with py-spy sampling hub 0 for the first `profile_s` seconds if asked."""
    if not profile_s:
        return (*_drive(gen, pids), None)
    got: list[Any] = []
    top = profile_during(pids["hub0"], profile_s, out, lambda: got.extend(_drive(gen, pids)))
    return got[0], got[1], top


@contextlib.contextmanager
def _servers(
    tmp: Path,
    tag: str,
    load: Load,
    hub_cores: list[set[int]],
    redis_cores: set[int],
    tls: bool,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[Net, int]]:
    """A fresh Redis (AOF always) and the hubs on it, each pinned; yields (net, redis pid)."""
    # The accept journal is of the previous run's Redis: kept, every later hub would
    # start by checking (and alarming on) thousands of ids this fresh Redis never had.
    shutil.rmtree(load.home / "hub" / "journal", ignore_errors=True)
    redis = RedisProcess(tmp / f"hubonly-redis-{tag}").start()
    try:
        assert redis.proc is not None
        pin(redis.proc.pid, redis_cores)
        net = Net(tmp, redis.url, hubs=len(hub_cores), tls=tls, home=load.home, env=env,
                  preexec=lambda i: os.sched_setaffinity(0, hub_cores[i]))  # fmt: skip
        try:
            yield net, redis.proc.pid
        finally:
            net.stop()
    finally:
        redis.stop()


def hub_only(
    tmp: Path,
    *,
    hubs: int = 1,
    count: int = 1500,
    tls: bool = False,
    load: Load | None = None,
    profile_s: float = 0,
    pinned: bool = True,
    env: dict[str, str] | None = None,
    tag: str = "",
) -> dict[str, Any]:
    """Saturate `hubs` hub(s) with pre-signed envelopes; CPU per message from /proc.

    `profile_s`: py-spy the first hub meanwhile (its sampling costs CPU: a profiled
    run's CPU figures are not comparable with an unprofiled one's). `env`: extra
    environment of the hub processes (an A/B variant, see `ab.py`); `tag` keeps each
    run's Redis directory apart.
    """
    load = load or Load(tmp / "home", count=count)
    hub_cores, redis_cores, load_cores, note = _placement(hubs, pinned)
    tag += f"{load.home.name}-{load.scheme}-{hubs}-{int(tls)}-{int(pinned)}-{len(load.senders)}"
    with _servers(tmp, tag, load, hub_cores, redis_cores, tls, env) as (net, redis_pid):
        gen = _loadgen(load, [net.url(i) for i in range(hubs)], load_cores)
        pids = {f"hub{i}": p for i, p in enumerate(net.pids())}
        pids |= {"redis": redis_pid, "loadgen": gen.pid}
        res, used, top = _profiled(gen, pids, profile_s, tmp / f"hubonly-{tag}.raw")
    out = {**res, **_per_message(res, used, hubs), "tls": tls, "scheme": load.scheme}
    if top is not None:
        out["profile"] = top
    cores = {"hubs": [sorted(c) for c in hub_cores], "redis": sorted(redis_cores)}
    out["cores"] = {**cores, "load": sorted(load_cores), "note": note}
    return out


def hub_flash(
    tmp: Path, *, duration: float, pinned: bool, background: bool = True
) -> dict[str, Any]:
    """FLASH at 10/s (under 100 msgs/s routine, or alone) through the hub alone: submit →
    deliver frame read. The lower bound of issue 19.3's figures: no client cryptography
    or store in the path. Alone, the hub is traced (``HOTLINE_TRACE``, ~2 µs a point):
    ``per_hop`` is the breakdown of its hops, hub_receive → hub_frame_written.
    """
    senders: tuple[str, ...] = ("HR/feed-1:10:FLASH",)
    if background:
        senders = ("RS/feed-1:100:ROUTINE", *senders)
    load = Load(tmp / "home", senders=senders, duration=duration)
    if background:  # routine messages would be traced too, and nothing tells them apart
        return hub_only(tmp, load=load, pinned=pinned)
    where = tmp / f"hub-flash-trace-{int(pinned)}"
    res = hub_only(tmp, load=load, pinned=pinned, env={trace.ENV: str(where)}, tag="traced-")
    res["per_hop"] = breakdown(where)
    return res


def hub_floor(home: Path, *, n: int = 2000, fanout: int = 7, tls: bool = False) -> dict[str, Any]:
    """The floor for this scenario's envelope and fan-out, measured on the server core."""
    h = Home(home)
    env = presigned(h, SENDERS[0], 1)[0]
    raw = h.device(SENDERS[0]).sign.verify_key.raw
    server, _load, _note = core_plan()
    with _affinity(server):
        return floor(env, raw, fanout, n=n, tls_dir=home / "hub" if tls else None)


def jetstream_like_for_like(tmp: Path, n: int, payload: int) -> dict[str, Any]:
    """JetStream on the same core budget: nats-server on the server core, load on the other."""
    why = available()
    if why:
        return {"skipped": why}
    server, load, note = core_plan()
    with nats_server(tmp / "nats-lfl", cores=server) as (url, pid), _affinity(load):
        c0, l0 = cpu_seconds(pid), cpu_seconds(os.getpid())
        k0 = {c: core_busy_seconds([c]) for c in sorted(server | load)}
        res = asyncio.run(jetstream_load(url, n, payload, conc=64))
        used, load_used = cpu_seconds(pid) - c0, cpu_seconds(os.getpid()) - l0
        cores = {c: core_busy_seconds([c]) - v for c, v in k0.items()}
    secs = max(res["seconds"], 1e-9)
    res["core_busy_all_processes"] = {str(c): round(v / secs, 2) for c, v in cores.items()}
    res["server_cpu_us_per_msg"] = round(used / n * 1e6, 1)
    res["server_cores_busy"] = round(used / secs, 2)
    res["loadgen_cores_busy"] = round(load_used / secs, 2)
    # When the Python load side is the limit (its core busy, the server's not), this is
    # what the server's CPU per message would allow on one full core: labelled as such.
    res["server_core_capacity_msgs_per_s"] = round(1e6 / max(res["server_cpu_us_per_msg"], 1e-9), 1)
    res["cores"] = {"server": sorted(server), "load": sorted(load), "note": note}
    return res
