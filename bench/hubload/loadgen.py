"""The hub-only load process: replay pre-signed envelopes, ack every delivery unopened.

    python -m bench.hubload.loadgen --home H --hubs URL[,URL] --senders RS/feed-1,HR/feed-1
        --receivers AL/officer-1,... --count N [--window W] [--drain-s S]

Talks to its parent on stdin/stdout, one JSON line each way: it prints {"ready": ...}
once every device is connected and every envelope is signed, waits for "go" on stdin,
runs, and prints its result. Senders receive too (every device does), so a message to
all is delivered once to each connected device, senders included.
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

from .envelopes import presigned
from .wire import Link, ack_id, answer_ref, connect_device

__all__ = ["Counters", "main", "run"]


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


async def _acker(link: Link, pending: list[str], ready: asyncio.Event) -> None:
    """Ack what arrived since the last ack frame: one frame per burst, not per delivery."""
    while True:
        await ready.wait()
        ready.clear()
        ids, pending[:] = list(pending), []
        if ids:
            await link.ack(ids)


async def _read(link: Link, c: Counters, window: asyncio.Semaphore | None) -> None:
    pending: list[str] = []
    ready = asyncio.Event()
    acker = asyncio.create_task(_acker(link, pending, ready))
    try:
        async for f in link.frames():
            if (d := ack_id(f)) is not None:
                pending.append(d)
                ready.set()
                c.deliveries += 1
                c.last_delivery_ns = time.perf_counter_ns()
                if c.target and c.deliveries >= c.target:
                    c.done.set()
            elif answer_ref(f) is not None and window is not None:
                window.release()
                if f.type == "accepted":
                    c.accepted += 1
                    c.last_accept_ns = time.perf_counter_ns()
                else:
                    code = str(f.fields.get("code"))
                    c.refused[code] = c.refused.get(code, 0) + 1
    finally:
        acker.cancel()


async def _send(link: Link, envs: list[Envelope], window: asyncio.Semaphore) -> None:
    for env in envs:
        await window.acquire()  # at most `window` submits unanswered
        await link.submit(env.encode(), env.id)


async def run(a: argparse.Namespace, go: asyncio.Event, emit: Any) -> dict[str, Any]:
    home = Home(a.home)
    hubs = a.hubs.split(",")
    senders = [s for s in a.senders.split(",") if s]
    receivers = [r for r in a.receivers.split(",") if r]
    ca = str(home.ca_cert) if home.ca_cert else None
    envs = {s: presigned(home, s, a.count, scheme=a.scheme) for s in senders}
    links: dict[str, Link] = {}
    for i, dev in enumerate(senders + receivers):
        links[dev] = await connect_device(hubs[i % len(hubs)], dev, home.device(dev).sign, ca)
    c = Counters()
    windows = {s: asyncio.Semaphore(a.window) for s in senders}
    readers = [asyncio.create_task(_read(links[d], c, windows.get(d))) for d in links]
    emit(
        {"ready": True, "devices": len(links), "envelope_bytes": len(envs[senders[0]][0].encode())}
    )
    await go.wait()
    c.first_ns = time.perf_counter_ns()
    await asyncio.gather(*(_send(links[s], envs[s], windows[s]) for s in senders))
    try:
        async with asyncio.timeout(a.drain_s):
            for s in senders:  # every answer in
                for _ in range(a.window):
                    await windows[s].acquire()
            c.target = c.accepted * len(links)
            if c.deliveries >= c.target:
                c.done.set()
            await c.done.wait()
    except TimeoutError:
        pass  # reported: deliveries < expected_deliveries
    for t in readers:
        t.cancel()
    return _result(c, len(links))


def _result(c: Counters, fanout: int) -> dict[str, Any]:
    acc_s = (c.last_accept_ns - c.first_ns) / 1e9 if c.accepted else 0.0
    del_s = (c.last_delivery_ns - c.first_ns) / 1e9 if c.deliveries else 0.0
    accepted_per_s = round(c.accepted / acc_s, 1) if acc_s > 0 else 0.0
    delivered_per_s = round(c.deliveries / fanout / del_s, 1) if del_s > 0 else 0.0
    return {
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
    p.add_argument("--senders", required=True)
    p.add_argument("--receivers", default="")
    p.add_argument("--count", type=int, default=2000, help="envelopes per sender")
    p.add_argument("--window", type=int, default=256, help="unanswered submits per sender")
    p.add_argument("--drain-s", type=float, default=30.0)
    p.add_argument("--scheme", choices=["device", "party"], default="device")
    asyncio.run(_main(p.parse_args(argv)))


if __name__ == "__main__":
    main()
