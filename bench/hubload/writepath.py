"""The hub's per-delivery write path, A/B in one process: CPU per deliver frame.

    python -m bench.hubload.writepath [--frames 3000] [--fanout 7] [--rounds 5]

An aiohttp websocket server on loopback with `fanout` connected readers; each message
is a 19 KB deliver frame encoded and written to every reader, by (A) the generic
canonical encoding and one `send_bytes` per frame, as before issue 19.2, and (B) the
spliced `Deliver.encode` and `ws_batch.send_all`. Rounds alternate A and B; the
figure is the server thread's CPU (`time.thread_time`) per frame, the fastest round of
each, which the box's other load moves far less than wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from typing import Any

import aiohttp
from aiohttp import web

from hotline.protocol.frames import Deliver, Frame
from hotline.server.ws_batch import send_all

__all__ = ["main", "writepath"]


async def _round(socks: list[web.WebSocketResponse], entry: bytes, n: int, new: bool) -> float:
    t0 = time.thread_time()
    for i in range(n):
        for ws in socks:
            f = Deliver(f"1764000000000-{i}", entry, i, False)
            if new:
                await send_all(ws, [f.encode()])
            else:
                await ws.send_bytes(Frame.encode(f))
        if i % 16 == 15:
            await asyncio.sleep(0)  # let the readers drain, as the hub's loop would
    return (time.thread_time() - t0) / (n * len(socks)) * 1e6


async def writepath(frames: int, fanout: int, rounds: int, size: int) -> dict[str, Any]:
    socks: list[web.WebSocketResponse] = []
    ready = asyncio.Event()

    async def handler(request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(compress=False, max_msg_size=1 << 21)
        await ws.prepare(request)
        socks.append(ws)
        if len(socks) == fanout:
            ready.set()
        await ws.receive()  # until the reader closes
        return ws

    app = web.Application()
    app.router.add_get("/ws", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    got = [0]

    async def reader(s: aiohttp.ClientSession) -> None:
        async with s.ws_connect(f"http://127.0.0.1:{port}/ws", max_msg_size=1 << 21) as ws:
            async for _msg in ws:
                got[0] += 1

    entry = os.urandom(size)
    async with aiohttp.ClientSession() as s:
        readers = [asyncio.create_task(reader(s)) for _ in range(fanout)]
        await ready.wait()
        res: dict[str, list[float]] = {"generic": [], "spliced_batched": []}
        for r in range(rounds * 2):
            new = r % 2 == 1
            res["spliced_batched" if new else "generic"].append(
                await _round(socks, entry, frames, new)
            )
        for ws in socks:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
    await runner.cleanup()
    a, b = min(res["generic"]), min(res["spliced_batched"])
    return {
        "frame_bytes": len(Deliver("1764000000000-1", entry, 1).encode()),
        "fanout": fanout,
        "us_per_frame_generic": round(a, 2),
        "us_per_frame_spliced_batched": round(b, 2),
        "ratio": round(b / a, 3),
        "rounds": res,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.hubload.writepath")
    p.add_argument("--frames", type=int, default=2000)
    p.add_argument("--fanout", type=int, default=7)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--size", type=int, default=19_000)
    a = p.parse_args(argv)
    print(json.dumps(asyncio.run(writepath(a.frames, a.fanout, a.rounds, a.size)), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
