"""Looking inside running processes: CPU from /proc, RSS, pinning, py-spy profiles."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .common import PY, ROOT

__all__ = [
    "core_busy_seconds",
    "cpu_seconds",
    "idle_connections",
    "pin",
    "profile_during",
    "profile_hub",
    "rss_kib",
]

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads), from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICK


def core_busy_seconds(cores: Iterable[int]) -> float:
    """Busy time of these cores so far, every process's (from /proc/stat), seconds."""
    want = {f"cpu{c}" for c in cores}
    busy = 0
    for line in Path("/proc/stat").read_text().splitlines():
        name, *vals = line.split()
        if name in want:  # user nice system idle iowait irq softirq steal ...
            v = [int(x) for x in vals]
            busy += sum(v) - v[3] - v[4]
    return busy / TICK


def pin(pid: int, cores: Iterable[int]) -> None:
    """Pin every thread of a running process (affinity is per thread on Linux)."""
    cores = set(cores)
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(ProcessLookupError, PermissionError):  # a thread that ended
            os.sched_setaffinity(int(tid), cores)


def rss_kib(pid: int) -> int:
    for ln in Path(f"/proc/{pid}/status").read_text().splitlines():
        if ln.startswith("VmRSS"):
            return int(ln.split()[1])
    return 0


def _py_spy() -> str | None:
    local = Path(PY).parent / "py-spy"
    return shutil.which("py-spy") or (str(local) if local.exists() else None)


def _leaf_samples(raw: Path) -> dict[str, int]:
    own: dict[str, int] = {}
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        leaf = stack.split(";")[-1] if stack else "?"
        own[leaf] = own.get(leaf, 0) + int(n)
    return own


def _area(frame: str) -> str:
    """The library or project folder a frame's file belongs to: 'redis', 'server/intake.py'."""
    path = frame.rpartition("(")[2].split(":")[0]
    head = path.split("/")[0]
    return path if head in ("server", "protocol", "client", "runtime") else head.split(".")[0]


def profile_hub(pid: int, seconds: float, out: Path) -> dict[str, Any] | None:
    """py-spy at 200 Hz for `seconds`: the 25 busiest leaf frames, and the share per area."""
    exe = _py_spy()
    if exe is None:
        return None
    args = ["record", "-d", str(int(seconds)), "-f", "raw", "-o", str(out), "--pid", str(pid)]
    subprocess.run([exe, *args, "-r", "200"], capture_output=True)
    if not out.exists():
        return None
    own = _leaf_samples(out)
    total = max(sum(own.values()), 1)
    areas: dict[str, int] = {}
    for frame, n in own.items():
        areas[_area(frame)] = areas.get(_area(frame), 0) + n
    top = sorted(own.items(), key=lambda kv: -kv[1])[:25]
    return {
        "samples": total,
        "top_leaf_frames": [(f, round(100 * n / total, 1)) for f, n in top],
        "percent_by_area": {
            k: round(100 * v / total, 1) for k, v in sorted(areas.items(), key=lambda kv: -kv[1])
        },
    }


def profile_during(
    pid: int, seconds: float, out: Path, work: Callable[[], Any]
) -> dict[str, Any] | None:
    """Profile `pid` in a thread while `work()` runs in this one."""
    got: dict[str, Any] = {}
    th = threading.Thread(target=lambda: got.update(top=profile_hub(pid, seconds, out)))
    th.start()
    work()
    th.join()
    return got.get("top")


def idle_connections(home: Path, url: str, hub_pid: int, n: int, tmp: Path) -> dict[str, Any]:
    """Hub RSS before and after `n` authenticated idle connections."""
    f = tmp / "idle.txt"
    args = ["--home", str(home), "--hub", url, "--count", str(n), "--out", str(f)]
    p = subprocess.Popen([PY, "-m", "bench.idle", *args], cwd=ROOT)
    before = rss_kib(hub_pid)
    for _ in range(3000):
        if f.exists() and f.read_text().strip():
            break
        time.sleep(0.1)  # the idle process writes when all its connections are in
    after = rss_kib(hub_pid)
    opened = int(f.read_text().split()[0]) if f.exists() and f.read_text().strip() else 0
    p.send_signal(signal.SIGTERM)
    p.wait(60)
    return {
        "connections": opened,
        "hub_rss_before_mib": round(before / 1024, 1),
        "hub_rss_after_mib": round(after / 1024, 1),
        "per_connection_kib": round((after - before) / max(opened, 1), 1),
    }
