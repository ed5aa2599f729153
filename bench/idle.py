"""Open N authenticated, idle device connections to a hub and hold them."""

from __future__ import annotations

import argparse
import asyncio
import signal
import ssl
from pathlib import Path

from websockets.asyncio.client import connect

from hotline.client.home import Home

from .hubload.wire import open_device

__all__ = ["main"]


async def main(a: argparse.Namespace) -> None:
    home = Home(Path(a.home))
    dev = home.device("MK/officer-1")
    ctx = ssl.create_default_context(cafile=str(home.ca_cert))
    conns = []
    sem = asyncio.Semaphore(64)

    async def one() -> None:
        async with sem:
            ws = await connect(
                a.hub,
                ssl=ctx if a.hub.startswith("wss:") else None,  # ws: TLS ends in a proxy
                ping_interval=None,
                max_size=None,
                open_timeout=60,
            )
            await open_device(ws, dev.id, dev.sign)  # the protocol's own ClientConnection
            conns.append(ws)

    results = await asyncio.gather(*(one() for _ in range(a.count)), return_exceptions=True)
    ok = len(conns)
    errors = [r for r in results if isinstance(r, Exception)]
    await asyncio.sleep(2)  # let the hub settle before its RSS is read
    Path(a.out).write_text(f"{ok} {len(errors)}\n")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--home", required=True)
    p.add_argument("--hub", required=True)
    p.add_argument("--count", type=int, default=10_000)
    p.add_argument("--out", required=True)
    asyncio.run(main(p.parse_args()))
