"""Real processes for tests: redis-server, hubs in-process or as child processes."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.runtime.clock import now_ms
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
from tests.conftest import TIMEOUT_FACTOR
from tests.waits import wait_until_blocking

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = TIMEOUT_FACTOR  # every wait in the harness scales with the suite's one factor


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
    # Bound before anything else, on a port the kernel picks unless one is asked for: a
    # port "free a moment ago" can be taken by a parallel test before the hub binds it.
    hub_sock = bind("127.0.0.1", overrides.pop("port", None) or 0, "a test hub", "another port")
    metrics_sock = bind("127.0.0.1", overrides.pop("metrics_port", None) or 0, "metrics", "another")
    port, metrics_port = hub_sock.getsockname()[1], metrics_sock.getsockname()[1]
    try:
        settings = Settings.load(
            home,
            {"port": port, "redis_url": redis_url, "metrics_port": metrics_port, **overrides},
            env={},
        )
        app = create_app(settings)
    except BaseException:
        hub_sock.close()
        metrics_sock.close()
        raise
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=2)
    await runner.setup()
    await hub_site(runner, hub_sock, settings).start()
    metrics = web.AppRunner(create_metrics_app(app), handle_signals=False)
    await metrics.setup()
    await web.SockSite(metrics, metrics_sock).start()
    await asyncio.wait_for(app[appkeys.ROUTER].routed_once.wait(), 10 * TIMEOUT)
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

    def start(self, timeout: float = 30 * TIMEOUT_FACTOR) -> HubProcess:
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
        log_path = self.home / f"hub-{self.port}.log"

        def ready() -> bool:  # another process: nothing to wait on but its /readyz
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited: {log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(
                    f"https://127.0.0.1:{self.port}/readyz", context=ctx, timeout=1
                ) as r:
                    return bool(r.status == 200)
            except OSError:
                return False  # not listening yet, or not ready: ask again

        wait_until_blocking(ready, timeout, f"the hub on port {self.port} to become ready")
        return self

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10 * TIMEOUT_FACTOR)

    def signal(self, sig: int) -> None:
        if self.proc:
            self.proc.send_signal(sig)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10 * TIMEOUT_FACTOR)
            except subprocess.TimeoutExpired:
                self.kill()


def client(home: Path, device: str, url: str, **kw: Any) -> HubClient:
    return HubClient(Home(home), device, hub_url=url, heartbeat=kw.pop("heartbeat", 5.0), **kw)


async def publish_roster(home: Path, url: str, roster: Any) -> int:
    """POST a roster version to the hub, as the ceremony does; returns the hub's version."""
    import json

    from hotline.client.rest import Rest

    h = Home(home)
    rest = Rest(url, h.device("HR/officer-1"), "HUB/hub-1", home / "hub" / "tls.crt")
    data = await rest.request("POST", "/v1/roster", body=roster.encode())
    return int(json.loads(data)["version"])


@dataclass(frozen=True)
class RawFrame:
    """A frame as a test reads it: its type and fields (``frame["code"]``)."""

    type: str
    fields: dict[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    @classmethod
    def of(cls, data: bytes) -> RawFrame:
        from hotline.protocol.frames import decode_frame

        f = decode_frame(data, max_containers=4096)
        return cls(f.TYPE, f.fields())


def raw_frame(ftype: str, **fields: Any) -> bytes:
    """The bytes of a frame, well-formed or not (what a misbehaving client sends)."""
    from hotline.protocol import pack

    return pack([ftype, fields])


def submit_frame(envelope: bytes) -> bytes:
    """A submit frame naming the envelope's id (garbage gets a zero id)."""
    from hotline.protocol import Envelope, ProtocolError

    try:
        mid = Envelope.decode(envelope).id
    except ProtocolError:
        mid = bytes(16)  # garbage has no id; the answer names the one we sent
    return raw_frame("submit", id=mid, envelope=envelope)


def signed_headers(
    home: Path, device: str, method: str, path: str, query: str = "", body: bytes = b""
) -> dict[str, str]:
    """The headers of a signed REST request (docs/protocol.md §8.4)."""
    import os

    from hotline.protocol.auth import canonical_query, rest_payload

    dev = Home(home).device(device)
    at, nonce = now_ms(), os.urandom(16)
    payload = rest_payload(
        "HUB/hub-1", method, path, canonical_query(query), body, dev.id, at, nonce
    )
    return {
        "X-Hotline-Device": dev.id,
        "X-Hotline-Time": str(at),
        "X-Hotline-Nonce": nonce.hex(),
        "X-Hotline-Signature": dev.sign.sign(payload).hex(),
    }


class RawDevice:
    """A hand-driven websocket session, to send what a well-behaved client never would.

    The handshake runs through the real sans-I/O ClientConnection; after it, the test
    writes raw bytes and reads the hub's frames itself.
    """

    def __init__(self, url: str, home: Path, device: str) -> None:
        self.url, self.home = url, home
        self.dev = Home(home).device(device)
        self.ws: Any = None

    async def __aenter__(self) -> RawDevice:
        from websockets.asyncio.client import connect

        from hotline.protocol.connection import ClientConnection

        ctx = ssl.create_default_context(cafile=str(self.home / "hub" / "tls.crt"))
        self.ws = await connect(self.url, ssl=ctx, max_size=None)
        conn = ClientConnection(
            device=self.dev.id, key=self.dev.sign, now_ms=now_ms(), roster_version=99
        )
        while conn.state != "open":
            conn.receive_data(await asyncio.wait_for(self.ws.recv(), 10 * TIMEOUT), now_ms())
            for data in conn.data_to_send():
                await self.ws.send(data)
            if conn.closed:
                raise conn.failure or AssertionError("the hub closed the handshake")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def recv(self, timeout: float = 10) -> RawFrame:
        return RawFrame.of(await asyncio.wait_for(self.ws.recv(), timeout * TIMEOUT))

    async def next_of(self, ftype: str, timeout: float = 10) -> RawFrame | None:
        """The next frame of ``ftype`` within ``timeout`` s (others are skipped), or None."""
        try:
            async with asyncio.timeout(timeout * TIMEOUT):
                f = await self.recv(timeout)
                while f.type != ftype:
                    f = await self.recv(timeout)
                return f
        except TimeoutError:
            return None

    async def raw(self, data: bytes) -> RawFrame:
        """Send raw bytes; return the next frame from the hub that is not a push."""
        await self.ws.send(data)
        while True:
            frame = await self.recv()
            if frame.type not in ("deliver", "roster", "checkpoint", "proofs"):
                return frame

    async def submit(self, envelope: bytes) -> RawFrame:
        return await self.raw(submit_frame(envelope))
