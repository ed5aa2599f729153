"""The hub-only load process: replay pre-signed envelopes, ack every delivery unopened.

    python -m bench.hubload.loadgen --home H --hubs URL[,URL]
        --senders RS/feed-1[:RATE[:PRECEDENCE]],... --receivers AL/officer-1,...
        [--count N] [--duration S] [--window W] [--drain-s S] [--scheme device|party]

A sender without a rate replays `--count` envelopes as fast as the window allows; with
one it sends RATE a second for `--duration` seconds. Talks to its parent on stdin/stdout,
one JSON line each way: it prints {"ready": ...} once every device is connected and every
envelope signed, waits for "go" on stdin, runs, and prints its result. Senders receive
too (every device does), so a message to all reaches each connected device once.
Latency is submit → deliver frame read, per lane, from one monotonic clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from hotline.client.home import Home
from hotline.protocol import Envelope

from ..common import pct
from .envelopes import presigned
from .wire import Link, ack_id, answer_ref, connect_device, delivered_id

__all__ = ["Counters", "Sender", "main", "run"]


@dataclass(frozen=True)
class Sender:
    device: str
    rate: float = 0.0  # messages a second; 0: as fast as the window allows
    precedence: str = "ROUTINE"

    @classmethod
    def parse(cls, spec: str) -> Sender:
        dev, _, rest = spec.partition(":")
        rate, _, prec = rest.partition(":")
        return cls(dev, float(rate or 0), prec or "ROUTINE")


@dataclass
class Counters:
    accepted: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    deliveries: int = 0
    first_ns: int = 0
    last_accept_ns: int = 0
    last_delivery_ns: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)
    target: int = 0  # deliveries expected once every sender has finished
    submitted_ns: dict[bytes, int] = field(default_factory=dict)
    latency_ms: dict[str, list[float]] = field(default_factory=dict)  # lane → ms


async def _acker(link: Link, pending: list[str], ready: asyncio.Event) -> None:
    """Ack what arrived since the last ack frame: one frame per burst, not per delivery."""
    while True:
        await ready.wait()
        ready.clear()
        ids, pending[:] = list(pending), []
        if ids:
            await link.ack(ids)


def _delivered(c: Counters, f: Any, now: int) -> None:
    c.deliveries += 1
    c.last_delivery_ns = now
    mid = delivered_id(f)
    if mid is not None and mid in c.submitted_ns:
        lane = "urgent" if f.fields.get("urgent") is True else "routine"
        c.latency_ms.setdefault(lane, []).append((now - c.submitted_ns[mid]) / 1e6)
    if c.target and c.deliveries >= c.target:
        c.done.set()


def _answered(c: Counters, f: Any) -> None:
    if f.type == "accepted":
        c.accepted += 1
        c.last_accept_ns = time.perf_counter_ns()
    else:
        code = str(f.fields.get("code"))
        c.refused[code] = c.refused.get(code, 0) + 1


async def _read(link: Link, c: Counters, window: asyncio.Semaphore | None) -> None:
    pending: list[str] = []
    ready = asyncio.Event()
    acker = asyncio.create_task(_acker(link, pending, ready))
    try:
        async for f in link.frames():
            if (d := ack_id(f)) is not None:
                pending.append(d)
                ready.set()
                _delivered(c, f, time.perf_counter_ns())
            elif answer_ref(f) is not None and window is not None:
                window.release()
                _answered(c, f)
    finally:
        acker.cancel()


async def _send(
    link: Link, envs: list[Envelope], window: asyncio.Semaphore, rate: float, c: Counters
) -> None:
    nxt = time.perf_counter()
    for env in envs:
        if rate:
            nxt += 1 / rate
            if (delay := nxt - time.perf_counter()) > 0:
                await asyncio.sleep(delay)  # pacing the offered load
        await window.acquire()  # at most `window` submits unanswered
        c.submitted_ns[env.id] = time.perf_counter_ns()
        await link.submit(env.encode(), env.id)


async def _connect(a: argparse.Namespace, home: Home, devices: list[str]) -> dict[str, Link]:
    hubs = a.hubs.split(",")
    ca = str(home.ca_cert) if home.ca_cert else None
    links: dict[str, Link] = {}
    for i, dev in enumerate(devices):
        links[dev] = await connect_device(hubs[i % len(hubs)], dev, home.device(dev).sign, ca)
    return links


async def _finish(
    a: argparse.Namespace, c: Counters, windows: list[asyncio.Semaphore], n: int
) -> None:
    """Every answer in, then every delivery of what was accepted (or the drain deadline)."""
    try:
        async with asyncio.timeout(a.drain_s):
            for w in windows:
                for _ in range(a.window):
                    await w.acquire()
            c.target = c.accepted * n
            if c.deliveries >= c.target:
                c.done.set()
            await c.done.wait()
    except TimeoutError:
        pass  # reported: deliveries < expected_deliveries


def _envelopes(a: argparse.Namespace, home: Home, s: Sender) -> list[Envelope]:
    n = int(s.rate * a.duration) if s.rate else a.count
    return presigned(home, s.device, n, precedence=s.precedence, scheme=a.scheme)


async def run(a: argparse.Namespace, go: asyncio.Event, emit: Any) -> dict[str, Any]:
    home = Home(a.home)
    senders = [Sender.parse(s) for s in a.senders.split(",") if s]
    receivers = [r for r in a.receivers.split(",") if r]
    envs = {s.device: _envelopes(a, home, s) for s in senders}
    links = await _connect(a, home, [s.device for s in senders] + receivers)
    c = Counters()
    windows = {s.device: asyncio.Semaphore(a.window) for s in senders}
    readers = [asyncio.create_task(_read(links[d], c, windows.get(d))) for d in links]
    size = len(envs[senders[0].device][0].encode())
    emit({"ready": True, "devices": len(links), "envelope_bytes": size})
    await go.wait()
    c.first_ns = time.perf_counter_ns()
    await asyncio.gather(
        *(_send(links[s.device], envs[s.device], windows[s.device], s.rate, c) for s in senders)
    )
    await _finish(a, c, list(windows.values()), len(links))
    for t in readers:
        t.cancel()
    return _result(c, len(links))


def _result(c: Counters, fanout: int) -> dict[str, Any]:
    acc_s = (c.last_accept_ns - c.first_ns) / 1e9 if c.accepted else 0.0
    del_s = (c.last_delivery_ns - c.first_ns) / 1e9 if c.deliveries else 0.0
    accepted_per_s = round(c.accepted / acc_s, 1) if acc_s > 0 else 0.0
    delivered_per_s = round(c.deliveries / fanout / del_s, 1) if del_s > 0 else 0.0
    out: dict[str, Any] = {
        "accepted": c.accepted,
        "refused": c.refused,
        "deliveries": c.deliveries,
        "expected_deliveries": c.accepted * fanout,
        "fanout": fanout,
        "accepted_per_s": accepted_per_s,
        "delivered_msgs_per_s": delivered_per_s,
        "sustained_msgs_per_s": min(accepted_per_s, delivered_per_s),
        "seconds": round(max(acc_s, del_s), 2),
    }
    for lane, xs in c.latency_ms.items():
        out[f"{lane}_p50_ms"] = round(pct(xs, 0.5) or 0, 2)
        out[f"{lane}_p99_ms"] = round(pct(xs, 0.99) or 0, 2)
    return out


async def _main(a: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    go = asyncio.Event()

    def emit(obj: dict[str, Any]) -> None:
        print(json.dumps(obj), flush=True)

    def on_stdin() -> None:
        if sys.stdin.readline().strip() == "go":
            go.set()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    emit(await run(a, go, emit))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.hubload.loadgen")
    p.add_argument("--home", required=True)
    p.add_argument("--hubs", required=True, help="comma-separated ws:// or wss:// URLs")
    p.add_argument("--senders", required=True, help="DEVICE[:RATE[:PRECEDENCE]],...")
    p.add_argument("--receivers", default="")
    p.add_argument("--count", type=int, default=2000, help="envelopes per unpaced sender")
    p.add_argument("--duration", type=float, default=10.0, help="seconds a paced sender sends")
    p.add_argument("--window", type=int, default=256, help="unanswered submits per sender")
    p.add_argument("--drain-s", type=float, default=30.0)
    p.add_argument("--scheme", choices=["device", "party"], default="device")
    asyncio.run(_main(p.parse_args(argv)))


if __name__ == "__main__":
    main()
