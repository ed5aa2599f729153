"""The attack mix of issue 16, from its own process, against one hub (issue 16.10).

    python -m bench.attacker --home H --port P [--source 127.0.0.2] [--idle 200] [--slow 20]

Runs until "stop" on stdin, then prints one JSON line: every attempt's outcome, counted
by attack and answer (`"ws_bomb": {"closed_1009": 812, "http_429": 3100}`). It prints
{"ready": ...} once its idle sockets have had a moment to open. Each attack comes from
its own loopback address (127.0.0.2, .3, ...: one attacking host per attack, unless
`--one-address`), none from the legitimate devices' 127.0.0.1, so the per-address cap
on unauthenticated sockets (64) limits each attack, not the devices, and one attack's
429s do not shield the hub from the others.

  ws_bomb     a MAX_FRAME frame of empty msgpack arrays, sent right after the challenge
  ws_garbage  2 KB of random bytes instead of the auth frame
  rest_junk   POST /v1/messages with random bytes; rest_bomb the object bomb over REST
  rest_proof  GET /v1/log/consistency and /v1/log/proof/{id}, unsigned
  idle        sockets that read the challenge and then only ping (every 0.5 s)
  slow_head   a request head trickled a line every 0.5 s; slow_body a body a byte at a time
  proof_flood signed GET /v1/log/consistency from a valid device, as fast as answered
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus, WebSocketException

from hotline.client.home import Home
from hotline.protocol import MAX_FRAME
from hotline.protocol.auth import canonical_query, rest_payload
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.codec import unpack
from hotline.runtime.clock import now_ms

__all__ = ["Attack", "main"]

PACE_S = 0.5  # how often an idle socket pings and a slow request trickles a byte
BOMB = b"\xdd" + (MAX_FRAME - 5).to_bytes(4, "big") + b"\x90" * (MAX_FRAME - 5)


class Attack:
    """Every attack loop of the mix, sharing one tally and one stop flag."""

    def __init__(self, a: argparse.Namespace) -> None:
        self.a = a
        self.ws = f"ws://127.0.0.1:{a.port}/v1/ws"
        self.base = f"http://127.0.0.1:{a.port}"
        self.sources: dict[str, tuple[str, int]] = {}
        self.tally: dict[str, Counter[str]] = {}
        self.stopping = asyncio.Event()
        self.home = Home(a.home)

    def src(self, attack: str) -> tuple[str, int]:
        """This attack's own source address (127.0.0.2, .3, ...): one host per attack."""
        if attack not in self.sources:
            first = self.a.source.rsplit(".", 1)
            n = int(first[1]) + (len(self.sources) if self.a.own_address else 0)
            self.sources[attack] = (f"{first[0]}.{n}", 0)
        return self.sources[attack]

    def count(self, attack: str, outcome: str) -> None:
        self.tally.setdefault(attack, Counter())[outcome] += 1

    async def forever(self, attack: str, once: Callable[[], Awaitable[str]]) -> None:
        """`once` again and again until stopped; each outcome counted, each failure too."""
        while not self.stopping.is_set():
            try:
                outcome = await once()
            except InvalidStatus as e:
                outcome = f"http_{e.response.status_code}"
            except (OSError, TimeoutError, WebSocketException, aiohttp.ClientError) as e:
                outcome = type(e).__name__
            self.count(attack, outcome)
            if outcome == "http_429":  # refused at the door: knock again shortly
                await self._pause(0.05)

    async def _pause(self, s: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), s)

    async def ws_send(self, attack: str, payload: bytes) -> str:
        """Open, read the challenge, send `payload`, wait for the hub to close."""
        async with connect(
            self.ws, max_size=None, ping_interval=None, compression=None,
            open_timeout=10, close_timeout=2, local_addr=self.src(attack),
        ) as ws:  # fmt: skip
            await ws.recv()
            await ws.send(payload)
            try:
                async for _ in ws:
                    pass
            except WebSocketException:
                pass
            return f"closed_{ws.close_code}"

    async def idle_socket(self) -> str:
        """Read the challenge, then only ping until the hub closes the socket."""
        async with connect(
            self.ws, ping_interval=PACE_S, ping_timeout=None, compression=None,
            open_timeout=10, close_timeout=2, local_addr=self.src("idle"),
        ) as ws:  # fmt: skip
            await ws.recv()
            t0 = time.monotonic()
            stop = asyncio.ensure_future(self.stopping.wait())
            closed = asyncio.ensure_future(ws.wait_closed())
            await asyncio.wait({stop, closed}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if not closed.done():
                closed.cancel()
                return "held_to_the_end"
            self.count("idle_held_s", f"{int(time.monotonic() - t0)}")
            return f"closed_{ws.close_code}"

    async def slow(self, body: bool) -> str:
        """A request that never completes: the head, or the body, a few bytes at a time."""
        src = self.src("slow_body" if body else "slow_head")
        reader, writer = await asyncio.open_connection("127.0.0.1", self.a.port, local_addr=src)
        if body:
            writer.write(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        else:
            writer.write(b"GET /readyz HTTP/1.1\r\n")

        async def drip() -> None:
            i = 0
            while True:
                await asyncio.sleep(PACE_S)
                writer.write(b"\0" if body else f"X-{i}: a\r\n".encode())
                i += 1

        t0 = time.monotonic()
        d = asyncio.create_task(drip())
        first = b""
        try:
            reader_task = asyncio.ensure_future(reader.read(12))
            stop = asyncio.ensure_future(self.stopping.wait())
            await asyncio.wait({reader_task, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if not reader_task.done():
                reader_task.cancel()
                return "held_to_the_end"
            first = reader_task.result()
        finally:
            d.cancel()
            writer.close()
        self.count("slow_held_s", f"{int(time.monotonic() - t0)}")
        return "closed" if not first else first.decode("latin-1").split(" ")[1]

    async def http(self, s: aiohttp.ClientSession, method: str, path: str, **kw: Any) -> str:
        async with s.request(method, self.base + path, **kw) as r:
            await r.read()
            return str(r.status)

    async def signed_size(self, s: aiohttp.ClientSession) -> int:
        """The size of the hub's latest checkpoint (public), 1 when there is none yet."""
        async with s.get(self.base + "/v1/log/checkpoint") as r:
            if r.status != 200:
                return 1
            got = unpack(await r.read())
        return Checkpoint.decode(got["checkpoint"]).size

    def signed(self, method: str, path: str, query: str) -> dict[str, str]:
        """Headers of a valid signed request (docs/protocol.md §8.4), a fresh nonce each."""
        dev = self.home.device(self.a.device)
        at, nonce = now_ms(), os.urandom(16)
        payload = rest_payload(
            "HUB/hub-1", method, path, canonical_query(query), b"", dev.id, at, nonce
        )
        return {
            "X-Hotline-Device": dev.id,
            "X-Hotline-Time": str(at),
            "X-Hotline-Nonce": nonce.hex(),
            "X-Hotline-Signature": dev.sign.sign(payload).hex(),
        }

    async def run(self, emit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        conn = aiohttp.TCPConnector(local_addr=self.src("rest"), limit=0)
        async with aiohttp.ClientSession(connector=conn) as s:
            q = f"from=1&to={await self.signed_size(s)}"  # a real proof, not a 404
            loops: list[tuple[str, Callable[[], Awaitable[str]]]] = [
                ("ws_bomb", lambda: self.ws_send("ws_bomb", BOMB)),
                ("ws_bomb", lambda: self.ws_send("ws_bomb", BOMB)),
                ("ws_garbage", lambda: self.ws_send("ws_garbage", os.urandom(2048))),
                ("rest_junk", lambda: self.http(s, "POST", "/v1/messages", data=os.urandom(2048))),
                ("rest_bomb", lambda: self.http(s, "POST", "/v1/messages", data=BOMB)),
                ("rest_proof", lambda: self.http(s, "GET", "/v1/log/consistency?" + q)),
                ("rest_proof", lambda: self.http(s, "GET", "/v1/log/proof/" + "00" * 16)),
                ("proof_flood", lambda: self.http(
                    s, "GET", "/v1/log/consistency?" + q,
                    headers=self.signed("GET", "/v1/log/consistency", q))),
            ]  # fmt: skip
            loops += [("idle", self.idle_socket)] * self.a.idle
            loops += [("slow_head", lambda: self.slow(False))] * self.a.slow
            loops += [("slow_body", lambda: self.slow(True))] * self.a.slow
            if self.a.kinds:  # a part of the mix, to find which attack costs what
                loops = [(k, f) for k, f in loops if k in self.a.kinds.split(",")]
            tasks = [asyncio.create_task(self.forever(k, f)) for k, f in loops]
            await self._pause(self.a.warmup_s)  # the idle sockets open, the cap fills
            emit({"ready": True, "loops": len(loops)})
            await self.stopping.wait()
            if tasks:
                await asyncio.wait(tasks, timeout=5)
            for t in tasks:
                t.cancel()
        return {k: dict(sorted(v.items())) for k, v in sorted(self.tally.items())}


async def _main(a: argparse.Namespace) -> None:
    attack = Attack(a)

    def emit(obj: dict[str, Any]) -> None:
        print(json.dumps(obj), flush=True)

    def on_stdin() -> None:
        if sys.stdin.readline().strip() in ("stop", ""):
            attack.stopping.set()

    asyncio.get_running_loop().add_reader(sys.stdin.fileno(), on_stdin)
    t0 = time.monotonic()
    tally = await attack.run(emit)
    emit({"attack_s": round(time.monotonic() - t0, 1), "tally": tally})


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.attacker")
    p.add_argument("--home", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--source", default="127.0.0.2", help="the attacker's (first) address")
    p.add_argument(
        "--one-address", dest="own_address", action="store_false",
        help="every attack from --source (default: each its own, .2, .3, ...)",
    )  # fmt: skip
    p.add_argument("--device", default="RS/officer-1", help="the valid device of the proof flood")
    p.add_argument("--idle", type=int, default=200, help="ping-only sockets held open")
    p.add_argument("--slow", type=int, default=20, help="slow heads, and as many slow bodies")
    p.add_argument("--kinds", default="", help="only these attacks, comma-separated")
    p.add_argument("--warmup-s", type=float, default=2.0)
    asyncio.run(_main(p.parse_args(argv)))


if __name__ == "__main__":
    main()
