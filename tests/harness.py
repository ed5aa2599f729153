"""Real processes for tests: redis-server, hubs in-process or as child processes."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.server import appkeys
from hotline.server.app import create_app, create_metrics_app
from hotline.server.checkpointer import Checkpointer
from hotline.server.config import Settings
from hotline.server.health import Health
from hotline.server.metrics import Metrics
from hotline.server.redis_process import free_port
from hotline.server.registry import Registry
from hotline.server.roster_store import RosterState
from hotline.server.streams import Streams
from hotline.server.tls import bind, hub_site

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class InProcessHub:
    runner: web.AppRunner
    port: int
    app: web.Application
    metrics_runner: web.AppRunner
    metrics_port: int

    @property
    def metrics_http(self) -> str:
        """The private /metrics listener (plain HTTP on loopback)."""
        return f"http://127.0.0.1:{self.metrics_port}"

    @property
    def streams(self) -> Streams:
        return self.app[appkeys.STREAMS]

    @property
    def redis(self) -> Any:
        """The raw redis-py client: what an insider with Redis access can do."""
        return self.app[appkeys.STREAMS].raw

    @property
    def metrics(self) -> Metrics:
        return self.app[appkeys.METRICS]

    @property
    def registry(self) -> Registry:
        return self.app[appkeys.REGISTRY]

    @property
    def roster(self) -> RosterState:
        return self.app[appkeys.ROSTER]

    @property
    def health(self) -> Health:
        return self.app[appkeys.HEALTH]

    @property
    def checkpointer(self) -> Checkpointer:
        return self.app[appkeys.CHECKPOINTER]

    @property
    def url(self) -> str:
        return f"wss://127.0.0.1:{self.port}/v1/ws"

    @property
    def http(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        await self.metrics_runner.cleanup()
        await self.runner.cleanup()


async def start_hub(home: Path, redis_url: str, **overrides: Any) -> InProcessHub:
    port = overrides.pop("port", None) or free_port()
    metrics_port = overrides.pop("metrics_port", None) or free_port()
    settings = Settings.load(
        home,
        {"port": port, "redis_url": redis_url, "metrics_port": metrics_port, **overrides},
        env={},
    )
    app = create_app(settings)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=2)
    await runner.setup()
    site = hub_site(runner, bind("127.0.0.1", port, "a test hub", "pick another port"), settings)
    await site.start()
    metrics = web.AppRunner(create_metrics_app(app), handle_signals=False)
    await metrics.setup()
    await web.SockSite(metrics, bind("127.0.0.1", metrics_port, "metrics", "pick another")).start()
    await asyncio.wait_for(app[appkeys.ROUTER].routed_once.wait(), 10)
    return InProcessHub(runner, port, app, metrics, metrics_port)


class HubProcess:
    """A hub as a child process, for kill -9 and SIGSTOP."""

    def __init__(
        self, home: Path, redis_url: str, port: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.home, self.redis_url = home, redis_url
        self.port = port or free_port()
        # its own metrics port: a second hub on this machine must not clash on 9464
        self.env = {"HOTLINE_HUB_METRICS_PORT": str(free_port()), **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"wss://127.0.0.1:{self.port}/v1/ws"

    def start(self, timeout: float = 30) -> HubProcess:
        log = open(self.home / f"hub-{self.port}.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hotline.server",
                "--home",
                str(self.home),
                "--port",
                str(self.port),
                *(["--redis", self.redis_url] if self.redis_url else []),  # "": embedded
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
            start_new_session=True,
        )
        ctx = ssl.create_default_context(cafile=str(self.home / "hub" / "tls.crt"))
        deadline = time.monotonic() + timeout
        delay = 0.02
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"hub exited: {(self.home / f'hub-{self.port}.log').read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(
                    f"https://127.0.0.1:{self.port}/readyz", context=ctx, timeout=1
                ) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(delay)  # polling readiness with a deadline
            delay = min(delay * 2, 0.2)
        raise RuntimeError("hub did not become ready")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def signal(self, sig: int) -> None:
        if self.proc:
            self.proc.send_signal(sig)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def client(home: Path, device: str, url: str, **kw: Any) -> HubClient:
    return HubClient(Home(home), device, hub_url=url, heartbeat=kw.pop("heartbeat", 5.0), **kw)


async def wait_for(pred: Any, timeout: float = 10.0, what: str = "condition") -> None:
    """Wait on a condition, re-checking after every event-loop turn (no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


async def poll_until(pred: Any, timeout: float = 10.0, what: str = "condition") -> None:
    """Like wait_for, for an async predicate (e.g. one that asks Redis)."""
    deadline = time.monotonic() + timeout
    while not await pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


class RawDevice:
    """A hand-driven websocket session, to send what a well-behaved client never would."""

    def __init__(self, url: str, home: Path, device: str) -> None:
        self.url, self.home = url, home
        self.dev = Home(home).device(device)
        self.ws: Any = None
        self.session: Any = None

    async def __aenter__(self) -> RawDevice:
        from websockets.asyncio.client import connect

        from hotline.protocol import Session, auth_payload

        ctx = ssl.create_default_context(cafile=str(self.home / "hub" / "tls.crt"))
        self.ws = await connect(self.url, ssl=ctx, max_size=None)
        self.session = Session("client", 0)
        self.session.receive_data(await self.ws.recv())
        (ch,) = self.session.events_received()
        at = time.time_ns() // 1_000_000
        sig = self.dev.sign.sign(auth_payload(ch["hub"], ch["conn"], ch["nonce"], self.dev.id, at))
        await self.ws.send(
            self.session.send(
                "auth", device=self.dev.id, at_ms=at, signature=sig, roster_version=99
            )
        )
        self.session.receive_data(await self.ws.recv())
        (welcome,) = self.session.events_received()
        assert welcome.type == "welcome", welcome
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def raw(self, data: bytes) -> Any:
        """Send raw bytes; return the next non-delivery frame from the hub."""
        from hotline.protocol import Frame

        await self.ws.send(data)
        while True:
            frame = Frame.decode(await asyncio.wait_for(self.ws.recv(), 10))
            if frame.type not in ("deliver", "receipt", "roster"):
                return frame

    async def submit(self, envelope: bytes) -> Any:
        from hotline.protocol import Frame

        return await self.raw(Frame("submit", {"envelope": envelope}).encode())
