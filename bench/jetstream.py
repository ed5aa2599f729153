"""The peer: NATS JetStream doing the hub's work — durable publish with ack, 7 durable
consumers that each read and ack every message (file storage).

Note on durability: nats-server 2.9 has no per-message fsync (`sync_interval` came in
2.10); JetStream writes each message to its file and fsyncs on an interval, where the
hub's Redis runs `appendfsync always`. The report says so beside the figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hotline.server.redis_process import free_port

from .common import rate

__all__ = ["available", "jetstream", "jetstream_load", "nats_server"]

CONSUMERS = 7


def available() -> str | None:
    """None when JetStream can run here, else the reason it cannot."""
    try:
        import nats  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return "nats-py not installed (pip install -e .[bench])"
    return None if shutil.which("nats-server") else "nats-server not on PATH"


@contextlib.contextmanager
def nats_server(store: Path, cores: set[int] | None = None) -> Iterator[tuple[str, int]]:
    """A private nats-server -js on a random loopback port; yields (url, pid)."""
    port = free_port()
    exe = shutil.which("nats-server") or "nats-server"
    cmd = [exe, "-js", "-sd", str(store), "-a", "127.0.0.1", "-p", str(port)]
    pre = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=pre,
    )
    try:
        yield f"nats://127.0.0.1:{port}", proc.pid
    finally:
        proc.terminate()
        proc.wait(10)


async def _connect(url: str) -> Any:
    import nats

    host, port = url.removeprefix("nats://").split(":")
    for _ in range(200):
        try:  # a plain TCP probe first: nats-py prints a traceback per refused attempt
            _r, w = await asyncio.open_connection(host, int(port))
            w.close()
            return await nats.connect(url)
        except OSError:
            await asyncio.sleep(0.05)  # waiting for the server we started to listen
    raise RuntimeError(f"nats-server at {url} did not come up")


async def _consume(sub: Any, n: int, counts: dict[int, int], k: int, last: list[int]) -> None:
    while counts[k] < n:
        try:
            msgs = await sub.fetch(256, timeout=2)
        except Exception:  # nats.errors.TimeoutError: nothing yet
            continue
        for m in msgs:
            await m.ack()
        counts[k] += len(msgs)
        last[0] = time.perf_counter_ns()


async def jetstream_load(url: str, n: int, payload_size: int, conc: int = 64) -> dict[str, Any]:
    """Publish n messages (acked) while 7 durable consumers read and ack each one."""
    from nats.js.api import AckPolicy, ConsumerConfig, StorageType, StreamConfig

    nc = await _connect(url)
    js = nc.jetstream()
    await js.add_stream(StreamConfig(name="CBM", subjects=["cbm.>"], storage=StorageType.FILE))
    cfg = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, max_ack_pending=20_000)
    subs = [
        await js.pull_subscribe("cbm.msg", durable=f"d{k}", config=cfg) for k in range(CONSUMERS)
    ]
    payload = os.urandom(payload_size)
    sem = asyncio.Semaphore(conc)
    counts = dict.fromkeys(range(CONSUMERS), 0)
    last = [0]

    async def pub() -> None:
        async with sem:
            await js.publish("cbm.msg", payload)

    t0 = time.perf_counter_ns()
    cons = [asyncio.create_task(_consume(s, n, counts, k, last)) for k, s in enumerate(subs)]
    await asyncio.gather(*(pub() for _ in range(n)))
    t_pub = time.perf_counter_ns()
    await asyncio.wait_for(asyncio.gather(*cons), 120)
    await nc.close()
    pub_s, all_s = (t_pub - t0) / 1e9, (last[0] - t0) / 1e9
    return {
        "messages": n,
        "payload_bytes": payload_size,
        "consumers": CONSUMERS,
        "published_per_s": rate(n, pub_s),
        "delivered_msgs_per_s": rate(n, all_s),
        "msgs_per_s": min(rate(n, pub_s), rate(n, all_s)),
        "seconds": round(all_s, 2),
    }


async def jetstream(n: int, tmp: Path) -> dict[str, Any]:
    """The end-to-end scenarios' peer (unpinned, 6,000-byte payloads)."""
    why = available()
    if why:
        return {"skipped": why}
    with nats_server(tmp / "nats-e2e") as (url, _pid):
        return await jetstream_load(url, n, 6000, conc=16)
