"""End-to-end scenarios: real clients (seal, verify, decrypt, store) through real hubs.

Senders and receivers are `bench.worker` processes; each writes lines `id kind time_ns`
(kind: sent, accepted, recv:DEVICE) that this module merges into rates and latencies.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from .common import PARTIES, PY, ROOT, pct
from .net import Net, reset_inboxes

__all__ = ["Events", "cluster_e2e", "run_e2e", "summarise"]

Spec = tuple[str, float, str]  # sending device, rate (0: as fast as it can), precedence
Events = dict[str, dict[str, list[int]]]
FANOUT = len(PARTIES) - 1  # every other party's officer-1 receives


def _receivers(net: Net, tag: str) -> list[tuple[subprocess.Popen[bytes], Path]]:
    out = []
    for i, group in enumerate([PARTIES[:4], PARTIES[4:]]):
        f = net.tmp / f"{tag}-recv{i}.txt"
        devices = ",".join(f"{x}/officer-1" for x in group)
        cmd = ["recv", "--home", str(net.home), "--devices", devices, "--hub", net.url(i)]
        out.append(
            (subprocess.Popen([PY, "-m", "bench.worker", *cmd, "--out", str(f)], cwd=ROOT), f)
        )
    for _p, f in out:
        for _ in range(600):
            if Path(str(f) + ".ready").exists():
                break
            time.sleep(0.05)  # waiting for the receiver process to connect
    return out


def _senders(net: Net, tag: str, specs: list[Spec], duration: float, conc: int) -> list[Path]:
    procs = []
    for i, (dev, rate, prec) in enumerate(specs):
        f = net.tmp / f"{tag}-send{i}.txt"
        args = ["send", "--home", str(net.home), "--as", dev, "--hub", net.url(i)]
        args += ["--rate", str(rate), "--duration", str(duration), "--concurrency", str(conc)]
        args += ["--precedence", prec, "--out", str(f)]
        procs.append((subprocess.Popen([PY, "-m", "bench.worker", *args], cwd=ROOT), f))
    for p, _f in procs:
        p.wait(duration + 120)
    return [f for _p, f in procs]


def read_events(files: list[Path]) -> Events:
    ev: Events = {}
    for f in files:
        if not f.exists():
            continue
        for line in f.read_text().splitlines():
            mid, kind, t = line.split()
            ev.setdefault(mid, {}).setdefault(kind, []).append(int(t))
    return ev


def _wait_delivered(recv_files: list[Path], want: set[str], drain_s: float) -> None:
    deadline = time.monotonic() + drain_s
    while time.monotonic() < deadline:  # wait for the receivers to see what was accepted
        got = read_events(recv_files)
        if all(len([k for k in got.get(m, {}) if k.startswith("recv:")]) >= FANOUT for m in want):
            return
        time.sleep(0.2)


def run_e2e(
    net: Net, tag: str, specs: list[Spec], duration: float, conc: int = 16, drain_s: float = 15
) -> dict[str, Any]:
    """One scenario: receivers connect, senders send for `duration`, the tail drains."""
    leftover = reset_inboxes(net.redis_url, net.cluster)
    recv = _receivers(net, tag)
    send_files = _senders(net, tag, specs, duration, conc)
    want = {m for m, e in read_events(send_files).items() if "accepted" in e}
    _wait_delivered([f for _p, f in recv], want, drain_s)
    for p, _f in recv:
        p.send_signal(signal.SIGTERM)
        p.wait(30)
    prec_of = {}
    for i, (_d, _r, prec) in enumerate(specs):
        for line in send_files[i].read_text().splitlines():
            prec_of[line.split()[0]] = prec
    out = summarise(read_events(send_files + [f for _p, f in recv]), prec_of)
    out["backlog_left_by_previous_scenario"] = leftover
    return out


def _rates(ev: Events) -> dict[str, Any]:
    acc = [e["accepted"][0] for e in ev.values() if "accepted" in e]
    first = min((e["sent"][0] for e in ev.values() if "sent" in e), default=0)
    recvs = [ts[0] for e in ev.values() for k, ts in e.items() if k.startswith("recv:")]
    delivered = sum(1 for e in ev.values() if "sent" in e for k in e if k.startswith("recv:"))
    secs = (max(acc) - first) / 1e9 if acc else 0
    recv_secs = (max(recvs) - first) / 1e9 if recvs else 0
    # Sustained means delivered, not only accepted: a hub that accepts faster than it
    # delivers is building a backlog. The headline takes the lower of the two rates.
    delivered_per_s = round(delivered / FANOUT / recv_secs, 1) if recv_secs else 0
    accepted_per_s = round(len(acc) / secs, 1) if secs else 0
    return {
        "accepted": len(acc),
        "seconds": round(secs, 2),
        "accepted_per_s": accepted_per_s,
        "delivered_msgs_per_s": delivered_per_s,
        "sustained_msgs_per_s": min(accepted_per_s, delivered_per_s),
        "deliveries": delivered,
        "expected_deliveries": FANOUT * len(acc),
    }


def _latencies(ev: Events, prec_of: dict[str, str]) -> dict[str, Any]:
    lat_all: list[float] = []
    by_prec: dict[str, list[float]] = {}
    acc_by_prec: dict[str, list[float]] = {}
    for mid, e in ev.items():
        if "sent" not in e:
            continue
        prec = prec_of.get(mid, "?").lower()
        for k, ts in e.items():
            if k.startswith("recv:"):
                ms = (ts[0] - e["sent"][0]) / 1e6
                lat_all.append(ms)
                by_prec.setdefault(prec, []).append(ms)
        if "accepted" in e:  # where the time goes: send → "accepted" (client + hub + fsync)
            acc_by_prec.setdefault(prec, []).append((e["accepted"][0] - e["sent"][0]) / 1e6)
    out = {"p50_ms": round(pct(lat_all, 0.5) or 0, 1), "p99_ms": round(pct(lat_all, 0.99) or 0, 1)}
    for label, groups in (("", by_prec), ("_accept", acc_by_prec)):
        for prec, xs in groups.items():
            out[f"{prec}{label}_p50_ms"] = round(pct(xs, 0.5) or 0, 1)
            out[f"{prec}{label}_p99_ms"] = round(pct(xs, 0.99) or 0, 1)
    return out


def summarise(ev: Events, prec_of: dict[str, str]) -> dict[str, Any]:
    """Rates (accepted, delivered, sustained) and latencies by precedence."""
    return {**_rates(ev), **_latencies(ev, prec_of)}


def cluster_e2e(tmp: Path, dur: float) -> dict[str, Any]:
    """Saturation on a local 3-node Redis Cluster (AOF always on each), two hubs."""
    from hotline.server.local_cluster import LocalCluster

    cl = LocalCluster(tmp / "cluster").start()
    try:
        net = Net(tmp, cl.url, hubs=2, cluster=True)
        try:
            sat = [("RS/feed-1", 0.0, "ROUTINE"), ("HR/feed-1", 0.0, "ROUTINE")]
            return run_e2e(net, "cluster", sat, dur)
        finally:
            net.stop()
    finally:
        cl.stop()
