"""The hub's listeners: TLS with small per-connection read buffers, set per transport.

Why small buffers: asyncio's ``SSLProtocol`` allocates (and zero-fills) a ``max_size``
bytearray for every connection; with 10,000 idle devices the default 256 KiB alone was
2.5 GiB of the hub's RSS (bench: 270 KiB per TLS connection against 24 KiB per plain
one). Devices send frames of a few KB, so two TLS records (32 KiB) are plenty; a large
burst just takes more, smaller reads.

How, without touching the process: ``loop.create_server(ssl=...)`` builds the
``SSLProtocol`` itself and offers no size parameter, so the hub's own sites create the
server without ``ssl=`` and wrap each connection in :class:`HubTLSProtocol`, a subclass
with a smaller ``max_size`` — the same wrapping ``loop.start_tls`` does. Only the
hub's listening sockets get it; every other TLS transport in the process (the Redis
client, tests' clients) keeps asyncio's default. ``SSLProtocol`` is not a public class:
``tests/server/test_tls.py`` pins the behaviour on each Python we run.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from asyncio.sslproto import SSLProtocol
from typing import Any

from aiohttp import web

from .admission import ConnectionGate, GateSeat
from .appkeys import CONNECTIONS
from .config import ConfigError, Settings
from .http_handler import hub_handler

__all__ = [
    "TLS_READ_BUFFER",
    "HubPlainSite",
    "HubTLSProtocol",
    "HubTLSSite",
    "bind",
    "hub_site",
    "ssl_context",
]

TLS_READ_BUFFER = 32 * 1024


class HubTLSProtocol(SSLProtocol):
    """asyncio's TLS protocol with a 32 KiB read buffer (see the module docstring), and
    the per-address connection cap counted from the TCP connection, before the handshake
    (a stranger's unfinished handshakes hold descriptors too)."""

    max_size = TLS_READ_BUFFER

    def __init__(self, *args: Any, gate: ConnectionGate | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._seat = GateSeat(gate)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._seat.take(transport)  # before the handshake: nothing read if over the caps

    def connection_lost(self, exc: BaseException | None) -> None:
        self._seat.give_back()
        super().connection_lost(exc)


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if not settings.tls:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(settings.path(settings.tls_cert), settings.path(settings.tls_key))
    return ctx


class HubTLSSite(web.SockSite):
    """A site on a bound socket whose connections use :class:`HubTLSProtocol`."""

    def __init__(
        self,
        runner: web.BaseRunner,
        sock: socket.socket,
        ctx: ssl.SSLContext,
        handshake_timeout: float = 60.0,
        gate: ConnectionGate | None = None,
    ) -> None:
        super().__init__(runner, sock)
        self._tls = ctx
        self._gate = gate
        # a stranger who opens TCP and never finishes TLS holds an fd: asyncio's default
        # is 60 s; the hub gives the TLS handshake the same bound as the headers after it
        self._handshake_timeout = handshake_timeout
        host, port = sock.getsockname()[:2]
        self._tls_name = f"https://{host}:{port}"

    @property
    def name(self) -> str:
        return self._tls_name

    async def start(self) -> None:
        await web.BaseSite.start(self)
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert server is not None

        def protocol() -> Any:
            handler = hub_handler(server, loop)
            return HubTLSProtocol(
                loop,
                handler,
                self._tls,
                None,
                server_side=True,
                ssl_handshake_timeout=self._handshake_timeout,
                gate=self._gate,
            )

        self._server = await loop.create_server(protocol, sock=self._sock, backlog=self._backlog)


class HubPlainSite(web.SockSite):
    """A plain site on a bound socket whose connections use the hub's request handler."""

    def __init__(
        self, runner: web.BaseRunner, sock: socket.socket, gate: ConnectionGate | None = None
    ) -> None:
        super().__init__(runner, sock)
        self._gate = gate

    async def start(self) -> None:
        await web.BaseSite.start(self)
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert server is not None
        self._server = await loop.create_server(
            lambda: hub_handler(server, loop, self._gate), sock=self._sock, backlog=self._backlog
        )


def hub_site(
    runner: web.BaseRunner,
    sock: socket.socket,
    settings: Settings,
    gate: ConnectionGate | None = None,
) -> web.BaseSite:
    """The public site: TLS when configured (small buffers), else plain on ``sock``.

    Both answer what is not HTTP as a problem document (``server.http_handler``) and
    count connections per address in ``gate``.
    """
    if gate is None and isinstance(runner, web.AppRunner):
        gate = runner.app.get(CONNECTIONS)
    ctx = ssl_context(settings)
    if ctx is None:
        return HubPlainSite(runner, sock, gate)
    return HubTLSSite(runner, sock, ctx, handshake_timeout=settings.header_timeout_s, gate=gate)


def bind(host: str, port: int, what: str, fix: str) -> socket.socket:
    """A listening TCP socket, or a one-line ConfigError naming ``fix``."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family = infos[0][0]
        sock = socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise ConfigError(f"cannot listen for {what} on {host}:{port}: {reason}: {fix}") from exc
    sock.setblocking(False)
    return sock
