"""Run the hub until SIGINT/SIGTERM; every start-up failure is one line with its fix.

Order: settings → the home's locks (a second hub on this home stops here, naming the
first) → both listening sockets bound (a port in use stops here, before Redis is
touched) → the application started (Redis, roster, journal, tasks) → serving.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from hotline.protocol import ProtocolError
from hotline.runtime.loop import loop_name, run

from .app import create_app, create_metrics_app
from .appkeys import SUPERVISOR
from .config import ConfigError, Settings
from .locks import HubLock
from .redis_process import RedisStartError
from .streams.client import parser_name
from .tls import bind, hub_site

__all__ = ["serve"]

log = logging.getLogger("hotline.hub")
SHUTDOWN_S = 5.0


def serve(
    home: Path,
    *,
    host: str | None = None,
    port: int | None = None,
    redis_url: str | None = None,
    print_fn: Callable[..., Any] = print,
) -> int:
    """Exit status: 0 stopped, 1 a critical task failed, 2 could not start."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        if not Path(home).is_dir():
            raise ConfigError(f"{home} is not a hub home: run `hotline init {home}`, or fix --home")
        settings = Settings.load(home, {"host": host, "port": port, "redis_url": redis_url})
        return run(_serve(settings, print_fn))
    except (ProtocolError, RedisStartError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


async def _serve(settings: Settings, print_fn: Callable[..., Any]) -> int:
    instance = settings.instance or f"{settings.device}#{os.urandom(4).hex()}"
    if not settings.instance:
        settings = settings.with_instance(instance)
    listen = f"{settings.host}:{settings.port}"
    lock = HubLock.acquire(settings.home, instance, embedded=not settings.redis_url, listen=listen)
    socks: list[socket.socket] = []
    try:
        socks.append(
            bind(
                settings.host,
                settings.port,
                "the hub",
                "stop what runs there, or choose another --port",
            )
        )
        if settings.metrics_port:
            socks.append(
                bind(
                    settings.metrics_host,
                    settings.metrics_port,
                    "metrics",
                    "set metrics_port (HOTLINE_HUB_METRICS_PORT) to a free port, or 0 for none",
                )
            )
        return await _run(settings, lock, socks, print_fn)
    finally:
        for s in socks:
            s.close()
        lock.release()


async def _run(
    settings: Settings, lock: HubLock, socks: list[socket.socket], print_fn: Callable[..., Any]
) -> int:
    app = create_app(settings, lock=lock)
    # aiohttp's access log writes a line per request, a stranger's refused ones included
    # (~700 a second under the attack bench): off unless asked for; the metrics count them
    access = {} if settings.access_log else {"access_log": None}
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=SHUTDOWN_S, **access)
    metrics = web.AppRunner(create_metrics_app(app), handle_signals=False)
    # The sockets are bound: connections wait in their backlog until the hub is up.
    scheme = "wss" if settings.tls else "ws"
    log.info("event loop %s, redis reply parser %s", loop_name(), parser_name())
    print_fn(
        f"hub {settings.device} listening on {scheme}://{settings.host}:{settings.port}/v1/ws",
        flush=True,
    )
    try:
        await runner.setup()  # Redis, roster, journal, background tasks
        await hub_site(runner, socks[0], settings).start()
        if len(socks) > 1:
            await metrics.setup()
            await web.SockSite(metrics, socks[1]).start()
        failed = await _until_stopped(app)
    finally:
        await metrics.cleanup()
        await runner.cleanup()
    if failed:
        print(f"error: {failed}: the hub stopped; see the log above", file=sys.stderr)
        return 1
    return 0


async def _until_stopped(app: web.Application) -> str | None:
    """Wait for SIGINT/SIGTERM or a critical task's failure (returned, named)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sup = app[SUPERVISOR]
    waits = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(sup.failed.wait())}
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    if sup.fatal is not None:
        return f"critical task {sup.fatal[0].name} failed"
    return None
