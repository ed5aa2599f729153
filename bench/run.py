"""`python -m bench [--quick]`: every figure beside a baseline measured in the same run.

Starts everything on loopback: its own redis-server (appendonly yes, appendfsync always),
hub processes, load generators and receivers in separate processes, a NATS JetStream
server when `nats-server` is installed. Writes bench/results/latest.json and latest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from hotline.client.init import init_network
from hotline.server.redis_process import RedisProcess, free_port

ROOT = Path(__file__).resolve().parents[1]
PARTIES = ["AL", "BA", "HR", "ME", "MK", "RS", "XK"]
PY = sys.executable
# the devices the scenarios connect: receivers (officer-1 of each party) and senders
TAKING_PART = {f"{p}/officer-1" for p in PARTIES} | {"RS/feed-1", "HR/feed-1"}


def pct(xs: list[float], q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


# -- components -------------------------------------------------------------------------
def components(quick: bool) -> dict[str, Any]:
    from hotline.protocol import (
        EncryptionPrivateKey,
        Envelope,
        SigningKey,
        open_sealed,
        seal,
        seed_length,
    )

    from .audit_verify import measure

    out: dict[str, Any] = {}
    key = SigningKey(os.urandom(32))
    msg = os.urandom(1200)
    n = 2000 if quick else 10000
    t = time.perf_counter()
    for _ in range(n):
        sig = key.sign(msg)
    out["ed25519_sign_us"] = round((time.perf_counter() - t) / n * 1e6, 1)
    t = time.perf_counter()
    for _ in range(n):
        key.verify_key.verify(sig, msg)
    out["ed25519_verify_us"] = round((time.perf_counter() - t) / n * 1e6, 1)
    for suite in ("pq", "classic"):
        keys = [EncryptionPrivateKey(suite, os.urandom(seed_length(suite))) for _ in range(7)]
        hd = os.urandom(32)
        m = 200 if quick else 1000
        t = time.perf_counter()
        for _ in range(m):
            sealed = seal(
                os.urandom(1024),
                hd,
                suite,
                [(f"P{i}/d", k.public) for i, k in enumerate(keys)],
                os.urandom(44),
            )
        out[f"seal7_{suite}_ms"] = round((time.perf_counter() - t) / m * 1e3, 3)
        t = time.perf_counter()
        for _ in range(m):
            open_sealed(sealed, hd, "P0/d", keys[0])
        out[f"open_{suite}_ms"] = round((time.perf_counter() - t) / m * 1e3, 3)
    from tests.factories import make_envelope, make_network

    env = make_envelope(make_network(suite="pq")).encode()
    t = time.perf_counter()
    for _ in range(n):
        Envelope.decode(env)
    out["envelope_decode_us"] = round((time.perf_counter() - t) / n * 1e6, 1)
    out["envelope_bytes_pq_7"] = len(env)
    out["audit"] = measure(5000 if quick else 100_000)
    return out


# -- the floor: plain redis-py doing the same Redis work ------------------------------------
async def baseline(url: str, n: int, conc: int = 16) -> dict[str, Any]:
    import redis.asyncio as aioredis

    r = aioredis.Redis.from_url(url, protocol=2)
    await r.flushall()
    payload = os.urandom(6000)  # a sealed 1 KB body to 7 parties is about this size
    for p in PARTIES:
        await r.xgroup_create(f"b:{{inbox:{p}}}", "dev", id="0", mkstream=True)
    done = 0

    async def worker(k: int) -> None:
        nonlocal done
        while done < n:
            done += 1
            pipe = r.pipeline(transaction=False)
            pipe.xadd("b:{log}", {"e": payload})
            for p in PARTIES:
                pipe.xadd(f"b:{{inbox:{p}}}", {"d": payload})
            ids = await pipe.execute()
            pipe = r.pipeline(transaction=False)
            for p in PARTIES:
                pipe.xreadgroup("dev", f"c{k}", {f"b:{{inbox:{p}}}": ">"}, count=1)
            got = await pipe.execute()
            pipe = r.pipeline(transaction=False)
            for p, res in zip(PARTIES, got, strict=True):
                for _key, entries in res or []:
                    pipe.xack(f"b:{{inbox:{p}}}", "dev", *[e[0] for e in entries])
            await pipe.execute()
            _ = ids

    t = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(conc)))
    secs = time.perf_counter() - t
    await r.flushall()
    await r.aclose()
    return {"messages": n, "seconds": round(secs, 2), "msgs_per_s": round(n / secs, 1)}


# -- the peer: NATS JetStream with 7 durable consumers ---------------------------------------
async def jetstream(n: int, tmp: Path, conc: int = 16) -> dict[str, Any] | None:
    exe = shutil.which("nats-server")
    try:
        import nats  # type: ignore[import-not-found]
    except ImportError:
        return None
    if not exe:
        return None
    port = free_port()
    proc = subprocess.Popen(
        [exe, "-js", "-sd", str(tmp / "nats"), "-a", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                nc = await nats.connect(f"nats://127.0.0.1:{port}")
                break
            except Exception:
                await asyncio.sleep(0.05)  # waiting for the server to listen
        js = nc.jetstream()
        from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

        await js.add_stream(StreamConfig(name="CBM", subjects=["cbm.>"], storage=StorageType.FILE))
        subs = []
        for p in PARTIES:
            subs.append(
                await js.pull_subscribe(
                    "cbm.msg", durable=f"d{p}", config=ConsumerConfig(ack_policy=AckPolicy.EXPLICIT)
                )
            )
        payload = os.urandom(6000)
        sem = asyncio.Semaphore(conc)
        consumed = {p: 0 for p in PARTIES}

        async def pub() -> None:
            async with sem:
                await js.publish("cbm.msg", payload)

        async def consume(p: str, sub: Any) -> None:
            while consumed[p] < n:
                try:
                    msgs = await sub.fetch(100, timeout=2)
                except Exception:
                    continue
                for m in msgs:
                    await m.ack()
                consumed[p] += len(msgs)

        t = time.perf_counter()
        cons = [asyncio.create_task(consume(p, s)) for p, s in zip(PARTIES, subs, strict=True)]
        await asyncio.gather(*(pub() for _ in range(n)))
        await asyncio.wait_for(asyncio.gather(*cons), 120)
        secs = time.perf_counter() - t
        await nc.close()
        return {"messages": n, "seconds": round(secs, 2), "msgs_per_s": round(n / secs, 1)}
    finally:
        proc.terminate()
        proc.wait(10)


# -- end to end ------------------------------------------------------------------------------
class Net:
    def __init__(self, tmp: Path, redis_url: str, hubs: int = 1, cluster: bool = False) -> None:
        self.tmp = tmp
        self.home = tmp / "home"
        if not self.home.exists():
            init_network(self.home, PARTIES, suite="pq", port=free_port())
        self.redis_url = redis_url
        self.cluster = cluster
        self.hubs: list[tuple[subprocess.Popen[bytes], int]] = []
        for i in range(hubs):
            port = free_port()
            proc = subprocess.Popen(
                [
                    PY,
                    "-m",
                    "hotline.server",
                    "--home",
                    str(self.home),
                    "--port",
                    str(port),
                    "--redis",
                    redis_url,
                ],
                env={
                    **os.environ,
                    "HOTLINE_HUB_INSTANCE": f"bench-{i}",
                    "HOTLINE_HUB_REDIS_CLUSTER": "true" if cluster else "false",
                },
                stdout=subprocess.DEVNULL,
                stderr=open(tmp / f"hub-{i}.log", "wb"),  # noqa: SIM115
                start_new_session=True,
            )
            self.hubs.append((proc, port))
        for _proc, port in self.hubs:
            self._wait(port)

    def _wait(self, port: int) -> None:
        import ssl
        import urllib.request

        ctx = ssl.create_default_context(cafile=str(self.home / "hub" / "tls.crt"))
        for _ in range(300):
            try:
                with urllib.request.urlopen(
                    f"https://127.0.0.1:{port}/readyz", context=ctx, timeout=1
                ):
                    return
            except OSError:
                time.sleep(0.05)  # polling readiness of a process we started
        raise RuntimeError("hub did not start")

    def url(self, i: int = 0) -> str:
        return f"wss://127.0.0.1:{self.hubs[i % len(self.hubs)][1]}/v1/ws"

    def stop(self) -> None:
        for proc, _ in self.hubs:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)


def _receivers(net: Net, tag: str) -> list[tuple[subprocess.Popen[bytes], Path]]:
    groups = [PARTIES[:4], PARTIES[4:]]
    out = []
    for i, g in enumerate(groups):
        f = net.tmp / f"{tag}-recv{i}.txt"
        p = subprocess.Popen(
            [
                PY,
                "-m",
                "bench.worker",
                "recv",
                "--home",
                str(net.home),
                "--devices",
                ",".join(f"{x}/officer-1" for x in g),
                "--hub",
                net.url(i),
                "--out",
                str(f),
            ],
            cwd=ROOT,
        )
        out.append((p, f))
    for _p, f in out:
        for _ in range(600):
            if Path(str(f) + ".ready").exists():
                break
            time.sleep(0.05)  # waiting for the receiver process to connect
    return out


def _senders(
    net: Net, tag: str, specs: list[tuple[str, float, str]], duration: float, conc: int
) -> list[Path]:
    procs = []
    for i, (dev, rate, prec) in enumerate(specs):
        f = net.tmp / f"{tag}-send{i}.txt"
        procs.append(
            (
                subprocess.Popen(
                    [
                        PY,
                        "-m",
                        "bench.worker",
                        "send",
                        "--home",
                        str(net.home),
                        "--as",
                        dev,
                        "--hub",
                        net.url(i),
                        "--rate",
                        str(rate),
                        "--duration",
                        str(duration),
                        "--concurrency",
                        str(conc),
                        "--precedence",
                        prec,
                        "--out",
                        str(f),
                    ],
                    cwd=ROOT,
                ),
                f,
            )
        )
    for p, _f in procs:
        p.wait(duration + 120)
    return [f for _p, f in procs]


def _read(files: list[Path]) -> dict[str, dict[str, list[int]]]:
    ev: dict[str, dict[str, list[int]]] = {}
    for f in files:
        if not f.exists():
            continue
        for line in f.read_text().splitlines():
            mid, kind, t = line.split()
            ev.setdefault(mid, {}).setdefault(kind, []).append(int(t))
    return ev


def reset_inboxes(redis_url: str, cluster: bool = False) -> int:
    """Empty every inbox before a scenario; returns the entries the last one left unread.

    Why: the same devices take part in every scenario, and a saturation run leaves a
    backlog behind (accepted faster than delivered). Without this, the next scenario's
    latencies would measure the previous scenario's backlog, not its own load.
    """
    import redis

    from hotline.server.streams import LANES, inbox_key

    r: Any = redis.RedisCluster.from_url(redis_url) if cluster else redis.Redis.from_url(redis_url)
    left = 0
    try:
        for p in PARTIES:
            for lane in LANES:
                key = inbox_key(p, lane)
                if not r.exists(key):
                    continue
                for g in r.xinfo_groups(key):
                    if g["name"].decode() in TAKING_PART:
                        left += int(g.get("pending", 0)) + int(g.get("lag") or 0)
                    # drop the group's pending list and move it to the end
                    r.xgroup_destroy(key, g["name"])
                    r.xgroup_create(key, g["name"], id="$")
                r.xtrim(key, maxlen=0, approximate=False)
    finally:
        r.close()
    return left


def run_e2e(
    net: Net,
    tag: str,
    specs: list[tuple[str, float, str]],
    duration: float,
    conc: int = 16,
    drain_s: float = 15,
) -> dict[str, Any]:
    leftover = reset_inboxes(net.redis_url, net.cluster)
    recv = _receivers(net, tag)
    send_files = _senders(net, tag, specs, duration, conc)
    sent = _read(send_files)
    want = {m for m, e in sent.items() if "accepted" in e}
    deadline = time.monotonic() + drain_s
    while time.monotonic() < deadline:  # wait for the receivers to see what was accepted
        got = _read([f for _p, f in recv])
        if all(len([k for k in got.get(m, {}) if k.startswith("recv:")]) >= 6 for m in want):
            break
        time.sleep(0.2)
    for p, _f in recv:
        p.send_signal(signal.SIGTERM)
        p.wait(30)
    ev = _read(send_files + [f for _p, f in recv])
    acc = [e["accepted"][0] for e in ev.values() if "accepted" in e]
    first = min(e["sent"][0] for e in ev.values() if "sent" in e) if ev else 0
    lat_all: list[float] = []
    lat_by_prec: dict[str, list[float]] = {}
    prec_of = {}
    for i, (_d, _r, prec) in enumerate(specs):
        for line in send_files[i].read_text().splitlines():
            prec_of[line.split()[0]] = prec
    delivered = 0
    for mid, e in ev.items():
        if "sent" not in e:
            continue
        for k, ts in e.items():
            if k.startswith("recv:"):
                delivered += 1
                ms = (ts[0] - e["sent"][0]) / 1e6
                lat_all.append(ms)
                lat_by_prec.setdefault(prec_of.get(mid, "?"), []).append(ms)
    secs = (max(acc) - first) / 1e9 if acc else 0
    last_recv = max(
        (ts[0] for e in ev.values() for k, ts in e.items() if k.startswith("recv:")), default=0
    )
    recv_secs = (last_recv - first) / 1e9 if last_recv else 0
    # Sustained means delivered, not only accepted: a hub that accepts faster than it
    # delivers is building a backlog. The headline takes the lower of the two rates.
    delivered_per_s = round(delivered / 6 / recv_secs, 1) if recv_secs else 0
    accepted_per_s = round(len(acc) / secs, 1) if secs else 0
    out = {
        "accepted": len(acc),
        "seconds": round(secs, 2),
        "accepted_per_s": accepted_per_s,
        "delivered_msgs_per_s": delivered_per_s,
        "sustained_msgs_per_s": min(accepted_per_s, delivered_per_s),
        "deliveries": delivered,
        "expected_deliveries": 6 * len(acc),
        "backlog_left_by_previous_scenario": leftover,
        "p50_ms": round(pct(lat_all, 0.5) or 0, 1),
        "p99_ms": round(pct(lat_all, 0.99) or 0, 1),
    }
    for prec, xs in lat_by_prec.items():
        out[f"{prec.lower()}_p50_ms"] = round(pct(xs, 0.5) or 0, 1)
        out[f"{prec.lower()}_p99_ms"] = round(pct(xs, 0.99) or 0, 1)
    # where the time goes: send → "accepted" (sender's client + hub + fsync) by precedence
    acc_by_prec: dict[str, list[float]] = {}
    for mid, e in ev.items():
        if "sent" in e and "accepted" in e:
            ms = (e["accepted"][0] - e["sent"][0]) / 1e6
            acc_by_prec.setdefault(prec_of.get(mid, "?"), []).append(ms)
    for prec, xs in acc_by_prec.items():
        out[f"{prec.lower()}_accept_p50_ms"] = round(pct(xs, 0.5) or 0, 1)
        out[f"{prec.lower()}_accept_p99_ms"] = round(pct(xs, 0.99) or 0, 1)
    return out


def profile_hub(net: Net, seconds: float) -> list[tuple[str, int]] | None:
    if not shutil.which("py-spy") and not (Path(PY).parent / "py-spy").exists():
        return None
    exe = shutil.which("py-spy") or str(Path(PY).parent / "py-spy")
    pid = net.hubs[0][0].pid
    out = net.tmp / "hub.raw"
    subprocess.run(
        [
            exe,
            "record",
            "-d",
            str(int(seconds)),
            "-f",
            "raw",
            "-o",
            str(out),
            "--pid",
            str(pid),
            "-r",
            "200",
        ],
        capture_output=True,
    )
    if not out.exists():
        return None
    own: dict[str, int] = {}
    for line in out.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        leaf = frames[-1] if frames else "?"
        own[leaf] = own.get(leaf, 0) + int(n)
    return sorted(own.items(), key=lambda kv: -kv[1])[:25]


def idle_connections(net: Net, n: int) -> dict[str, Any]:
    f = net.tmp / "idle.txt"
    p = subprocess.Popen(
        [
            PY,
            "-m",
            "bench.idle",
            "--home",
            str(net.home),
            "--hub",
            net.url(0),
            "--count",
            str(n),
            "--out",
            str(f),
        ],
        cwd=ROOT,
    )
    hub_pid = net.hubs[0][0].pid

    def rss() -> int:
        for ln in Path(f"/proc/{hub_pid}/status").read_text().splitlines():
            if ln.startswith("VmRSS"):
                return int(ln.split()[1])
        return 0

    before = rss()
    for _ in range(3000):
        if f.exists() and f.read_text().strip():
            break
        time.sleep(0.1)  # the idle process writes when all its connections are in
    after = rss()
    opened = int(f.read_text().split()[0]) if f.exists() and f.read_text().strip() else 0
    p.send_signal(signal.SIGTERM)
    p.wait(60)
    return {
        "connections": opened,
        "hub_rss_before_mib": round(before / 1024, 1),
        "hub_rss_after_mib": round(after / 1024, 1),
        "per_connection_kib": round((after - before) / max(opened, 1), 1),
    }


def cluster_e2e(tmp: Path, dur: float) -> dict[str, Any]:
    """Saturation on a local 3-node Redis Cluster (AOF always on each), two hubs."""
    from hotline.server.local_cluster import LocalCluster

    cl = LocalCluster(tmp / "cluster").start()
    try:
        net = Net(tmp, cl.url, hubs=2, cluster=True)
        try:
            return run_e2e(
                net, "cluster", [("RS/feed-1", 0, "ROUTINE"), ("HR/feed-1", 0, "ROUTINE")], dur
            )
        finally:
            net.stop()
    finally:
        cl.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench")
    ap.add_argument("--quick", action="store_true", help="reduced 1-4, under two minutes")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    a = ap.parse_args(argv)
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    q = a.quick
    tmp = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
    res: dict[str, Any] = {"quick": q, "machine": {"cores": os.cpu_count()}}
    redis = RedisProcess(tmp / "redis").start()
    try:
        res["baseline"] = asyncio.run(baseline(redis.url, 2000 if q else 10000))
        js = asyncio.run(jetstream(2000 if q else 10000, tmp))
        res["jetstream"] = js or {"skipped": "nats-server or nats-py not installed"}
        dur = 8 if q else 20
        net = Net(tmp, redis.url)
        try:
            res["e2e_saturation"] = run_e2e(
                net, "sat", [("RS/feed-1", 0, "ROUTINE"), ("HR/feed-1", 0, "ROUTINE")], dur
            )
            res["e2e_100"] = run_e2e(net, "r100", [("RS/feed-1", 100, "ROUTINE")], dur)
            if not q:
                res["e2e_1000"] = run_e2e(
                    net,
                    "r1000",
                    [("RS/feed-1", 500, "ROUTINE"), ("HR/feed-1", 500, "ROUTINE")],
                    dur,
                )
            res["flash"] = run_e2e(
                net, "flash", [("RS/feed-1", 100, "ROUTINE"), ("HR/feed-1", 10, "FLASH")], dur
            )
            if not q:
                prof: dict[str, Any] = {}

                def bg() -> None:
                    prof["top"] = profile_hub(net, 12)

                import threading

                th = threading.Thread(target=bg)
                th.start()
                run_e2e(net, "prof", [("RS/feed-1", 0, "ROUTINE"), ("HR/feed-1", 0, "ROUTINE")], 15)
                th.join()
                res["profile_top_leaf_frames"] = prof.get("top")
                res["idle"] = idle_connections(net, 10_000)
        finally:
            net.stop()
        if not q:
            net2 = Net(tmp, redis.url, hubs=2)
            try:
                res["e2e_two_hubs"] = run_e2e(
                    net2, "two", [("RS/feed-1", 0, "ROUTINE"), ("HR/feed-1", 0, "ROUTINE")], dur
                )
            finally:
                net2.stop()
            res["e2e_cluster"] = cluster_e2e(tmp, dur)
        res["components"] = components(q)
    finally:
        redis.stop()
    sat = res["e2e_saturation"]["sustained_msgs_per_s"]
    base = res["baseline"]["msgs_per_s"]
    jsr = res["jetstream"].get("msgs_per_s") if isinstance(res["jetstream"], dict) else None
    latest = {
        "e2e_msgs_per_s": sat,
        "baseline_msgs_per_s": base,
        "ratio_vs_baseline": round(sat / base, 3) if base else None,
        "jetstream_msgs_per_s": jsr,
        "ratio_vs_jetstream": round(sat / jsr, 3) if jsr else None,
        "flash_p50_ms": res["flash"].get("flash_p50_ms"),
        "flash_p99_ms": res["flash"].get("flash_p99_ms"),
        "idle_conn_rss_mib_per_10k": (
            round(res["idle"]["per_connection_kib"] * 10_000 / 1024, 1) if "idle" in res else None
        ),
        "audit_verify_per_s": res["components"]["audit"]["audit_verify_per_s"],
        "two_hubs_ratio": (
            round(res["e2e_two_hubs"]["sustained_msgs_per_s"] / sat, 2)
            if "e2e_two_hubs" in res and sat
            else None
        ),
        "redis_cluster_msgs_per_s": (
            res["e2e_cluster"]["sustained_msgs_per_s"] if "e2e_cluster" in res else None
        ),
        "redis_cluster_ratio_vs_single": (
            round(res["e2e_cluster"]["sustained_msgs_per_s"] / sat, 2)
            if "e2e_cluster" in res and sat
            else None
        ),
        "details": res,
    }
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "latest.json").write_text(json.dumps(latest, indent=1) + "\n")
    (a.out / "latest.md").write_text(table(latest))
    print(table(latest))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


def table(x: dict[str, Any]) -> str:
    d = x["details"]
    rows = [
        (
            "end-to-end sustained msgs/s at saturation (pq, fan-out 6): min(accepted, delivered)",
            x["e2e_msgs_per_s"],
            "≥ 0.5 × baseline, ≥ 1 × JetStream",
        ),
        (
            "… of which accepted / delivered msgs/s",
            f"{d['e2e_saturation']['accepted_per_s']} / "
            f"{d['e2e_saturation']['delivered_msgs_per_s']}",
            "",
        ),
        ("baseline: raw redis-py, same Redis work, AOF always", x["baseline_msgs_per_s"], ""),
        ("ratio hub / baseline", x["ratio_vs_baseline"], "≥ 0.5"),
        ("NATS JetStream, 7 durable consumers, file storage", x["jetstream_msgs_per_s"], ""),
        ("ratio hub / JetStream", x["ratio_vs_jetstream"], "≥ 1"),
        (
            "latency at 100 msg/s p50 / p99 ms",
            f"{d['e2e_100']['p50_ms']} / {d['e2e_100']['p99_ms']}",
            "",
        ),
        (
            "FLASH under 100 msg/s p50 / p99 ms",
            f"{x['flash_p50_ms']} / {x['flash_p99_ms']}",
            "< 5 / < 25",
        ),
        ("hub RSS per 10k idle connections MiB", x["idle_conn_rss_mib_per_10k"], "< 1024"),
        ("audit verification entries/s (one core)", x["audit_verify_per_s"], "≥ 10,000"),
        ("two hubs / one hub", x["two_hubs_ratio"], "≥ 1.7"),
        (
            "Redis Cluster (3 nodes, 2 hubs) sustained msgs/s; ratio vs single Redis, one hub",
            f"{x['redis_cluster_msgs_per_s']}; {x['redis_cluster_ratio_vs_single']}",
            "",
        ),
    ]
    if "e2e_1000" in d:
        rows.insert(
            7,
            (
                "latency at 1,000 msg/s offered p50 / p99 ms",
                f"{d['e2e_1000']['p50_ms']} / {d['e2e_1000']['p99_ms']}",
                "",
            ),
        )
    out = ["| measure | this run | target |", "|---|---|---|"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
