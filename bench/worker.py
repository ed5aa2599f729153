"""Load generator and receiver processes for the end-to-end benchmark.

    python -m bench.worker send --home H --as RS --hub URL --rate 100 --duration 10 --out F
    python -m bench.worker recv --home H --devices HR/officer-1,BA/officer-1 --hub URL --out F

Every line written is `id kind time_ns` (kind: sent, accepted, recv:DEVICE).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import time
from pathlib import Path

from hotline.client.events import MessageReceived
from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.protocol import parse_id_text

from .trace import hook

__all__ = ["main", "recv", "send"]


# ~1 KB bodies; feeds may send cyber incidents (national CERT systems do exactly this)
BODY = {"severity": "high", "sector": "energy", "summary": "Incident " + "x" * 1000}


async def send(a: argparse.Namespace) -> None:
    home = Home(a.home)
    c = HubClient(home, a.as_, hub_url=a.hub, auto_receipts=False)
    await c.start()
    assert await c.wait_connected(30), "sender could not connect"
    out = open(a.out, "w", buffering=1)  # noqa: SIM115
    sem = asyncio.Semaphore(a.concurrency)
    end = time.monotonic() + a.duration
    interval = 1.0 / a.rate if a.rate else 0.0
    tasks: set[asyncio.Task[None]] = set()

    async def one() -> None:
        try:
            t0, m0 = time.time_ns(), time.monotonic_ns()
            res = await c.send(a.to, "cyber_incident", BODY, precedence=a.precedence, timeout=30)
            out.write(f"{res.id} sent {t0}\n")
            hook.point("bench_send", parse_id_text(res.id), at_ns=m0)
            if res.status in ("accepted", "duplicate"):
                out.write(f"{res.id} accepted {time.time_ns()}\n")
        finally:
            sem.release()

    nxt = time.monotonic()
    while time.monotonic() < end:
        if interval:
            nxt += interval
            delay = nxt - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the offered load
        await sem.acquire()  # at most `concurrency` sends in flight; the task releases it
        t = asyncio.create_task(one())
        tasks.add(t)
        t.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks, timeout=60)
    out.close()
    await c.close()


async def recv(a: argparse.Namespace) -> None:
    home = Home(a.home)
    out = open(a.out, "w", buffering=1)  # noqa: SIM115
    clients = [HubClient(home, d, hub_url=a.hub, auto_receipts=False) for d in a.devices.split(",")]
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    async def watch(c: HubClient) -> None:
        q = c.subscribe()
        while True:
            ev = await q.get()
            if isinstance(ev, MessageReceived):
                out.write(f"{ev.message.id} recv:{c.device.id} {time.time_ns()}\n")
                hook.point("bench_seen", parse_id_text(ev.message.id), c.device.id)

    for c in clients:
        await c.start()
    for c in clients:
        assert await c.wait_connected(30)
    Path(a.out + ".ready").write_text("ready")
    watchers = [asyncio.create_task(watch(c)) for c in clients]
    await stop.wait()
    for w in watchers:
        w.cancel()
    for c in clients:
        await c.close()
    out.close()


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--home", required=True)
    s.add_argument("--as", dest="as_", required=True)
    s.add_argument("--hub", required=True)
    s.add_argument("--to", default="all")
    s.add_argument("--rate", type=float, default=0)
    s.add_argument("--duration", type=float, default=10)
    s.add_argument("--concurrency", type=int, default=16)
    s.add_argument("--precedence", default="ROUTINE")
    s.add_argument("--out", required=True)
    r = sub.add_parser("recv")
    r.add_argument("--home", required=True)
    r.add_argument("--devices", required=True)
    r.add_argument("--hub", required=True)
    r.add_argument("--out", required=True)
    a = p.parse_args()
    asyncio.run(send(a) if a.cmd == "send" else recv(a))


if __name__ == "__main__":
    main()
