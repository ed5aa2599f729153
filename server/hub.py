"""The hub's state and the aiohttp application factory ``create_app(settings)``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, web
from redis.exceptions import RedisError

from hotline.protocol import ProtocolError, SigningKey
from hotline.protocol.events import LogEvent

from .checkpointer import Checkpointer
from .config import ConfigError, Settings
from .intake import Intake
from .journal import AcceptJournal, read_journals
from .metrics import Metrics
from .redis_process import RedisProcess
from .registry import Registry
from .roster_store import RosterState
from .router import Notifier, Router
from .settings_view import HubView
from .streams import Streams, connect

__all__ = ["HUB", "Hub", "create_app", "ssl_context"]

log = logging.getLogger("hotline.hub")


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class Hub:
    """Everything one hub process holds; reachable as ``app[HUB]``."""

    settings: Settings
    instance: str
    metrics: Metrics = field(default_factory=Metrics)
    registry: Registry = field(default_factory=Registry)
    roster: RosterState = field(default_factory=RosterState)
    sockets: set[web.WebSocketResponse] = field(default_factory=set)
    redis_proc: RedisProcess | None = None
    streams: Streams = field(init=False)
    intake: Intake = field(init=False)
    router: Router = field(init=False)
    checkpointer: Checkpointer = field(init=False)
    signing_key: SigningKey | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    ready: bool = False
    journal: AcceptJournal | None = None
    missing_accepted: list[str] = field(default_factory=list)


HUB = web.AppKey("hub", Hub)


async def check_persistence(streams: Streams, allow_unsafe: bool) -> dict[str, str]:
    """Refuse Redis settings that could lose an accepted message, unless overridden."""
    conf = await streams.persistence()
    unsafe = []
    if conf.get("appendonly") != "yes":
        unsafe.append("appendonly is 'no' (set appendonly yes)")
    if conf.get("appendfsync") == "no":
        unsafe.append("appendfsync is 'no' (set appendfsync always)")
    if unsafe and not allow_unsafe:
        raise ConfigError(
            "Redis persistence is unsafe: "
            + "; ".join(unsafe)
            + ". An accepted message could be lost in a crash. Fix redis.conf, or "
            "set allow_unsafe_redis = true to run anyway"
        )
    if unsafe:
        log.warning("running on unsafe Redis persistence: %s", "; ".join(unsafe))
    return conf


async def _redis_ctx(app: web.Application) -> AsyncIterator[None]:
    hub = app[HUB]
    s = hub.settings
    url = s.redis_url
    if not url:
        hub.redis_proc = await asyncio.to_thread(
            RedisProcess(s.home / "hub" / "redis", appendfsync="always").start
        )
        url = hub.redis_proc.url
        log.info("embedded redis-server on %s (AOF always) in %s", url, hub.redis_proc.directory)
    client = connect(url, cluster=s.redis_cluster, max_connections=s.redis_max_connections)
    hub.streams = Streams(client, cluster=s.redis_cluster)
    try:
        await check_persistence(hub.streams, s.allow_unsafe_redis)
        yield
    finally:
        await hub.streams.close()
        if hub.redis_proc:
            await asyncio.to_thread(hub.redis_proc.stop)


async def _core_ctx(app: web.Application) -> AsyncIterator[None]:
    hub = app[HUB]
    s = hub.settings
    key_path = s.path(s.key_file)
    if key_path.exists():
        hub.signing_key = SigningKey(key_path.read_bytes())
    fresh = await hub.roster.load(hub.streams, s.path(s.roster_dir), now_ms())
    for r in fresh:
        await hub.streams.append_event(
            "roster",
            LogEvent("roster", now_ms(), s.device, r.encode(), {"version": r.version}).encode(),
        )
    journal_dir = s.home / "hub" / "journal"
    recent = read_journals(journal_dir)
    hub.missing_accepted = await hub.streams.missing_ids([m for m, _p in recent])
    hub.metrics.set("hotline_missing_accepted", len(hub.missing_accepted))
    if hub.missing_accepted:
        log.error(
            "ALERT: %d message(s) this network answered 'accepted' are missing from "
            "Redis (was the AOF truncated?): %s",
            len(hub.missing_accepted),
            ", ".join(hub.missing_accepted),
        )
    hub.journal = AcceptJournal(journal_dir, hub.instance)
    hub.intake = Intake(
        hub.streams, hub.roster, HubView.of(s, hub.instance), hub.metrics, hub.journal
    )
    # One consumer group per receiving device, created before anything is routed to it.
    for d in hub.roster.current.devices:
        if d.role in ("officer", "feed", "auditor", "observer"):
            await hub.streams.ensure_group(d.party, d.id)
    hub.router = Router(
        hub.streams, hub.instance, s.router_lease_ms, hub.metrics, hub.registry.wake
    )
    notifier = Notifier(hub.streams, hub.registry.wake, own=hub.instance)
    hub.checkpointer = Checkpointer(
        hub.streams,
        hub.signing_key,
        s.device,
        hub.roster.current.network,
        every=s.checkpoint_every,
        interval_s=s.checkpoint_interval_s,
        owner=hub.instance,
        lease_ms=s.router_lease_ms,
        metrics=hub.metrics,
    )
    hub.tasks = [
        asyncio.create_task(hub.router.run(), name="router"),
        asyncio.create_task(notifier.run(), name="notifier"),
        asyncio.create_task(_gauges(hub), name="gauges"),
        asyncio.create_task(_retention(hub), name="retention"),
        asyncio.create_task(hub.checkpointer.run(), name="checkpointer"),
    ]
    await hub.streams.append_event(
        "hub_start",
        LogEvent(
            "hub_start",
            now_ms(),
            s.device,
            b"",
            {"instance": hub.instance, "missing_accepted": hub.missing_accepted},
        ).encode(),
    )
    hub.ready = True
    try:
        yield
    finally:
        hub.ready = False
        if hub.journal is not None:
            hub.journal.close()
        for t in hub.tasks:
            t.cancel()
        # A task parked in a blocking XREAD may take a moment to notice; never hang on it.
        _done, stuck = await asyncio.wait(hub.tasks, timeout=2)
        for t in stuck:
            log.warning("background task %s did not stop in time", t.get_name())
        with contextlib.suppress(ProtocolError, RedisError):
            await hub.router.stop()
            await hub.checkpointer.stop()
            await hub.streams.append_event(
                "hub_stop",
                LogEvent("hub_stop", now_ms(), s.device, b"", {"instance": hub.instance}).encode(),
            )


async def _gauges(hub: Hub) -> None:
    """Backlog per party for /metrics; cheap, every few seconds."""
    while True:
        await asyncio.sleep(5)
        with contextlib.suppress(RedisError, ProtocolError, OSError):
            for p in hub.roster.current.parties:
                hub.metrics.set(
                    "hotline_stream_backlog", await hub.streams.backlog(p.code), party=p.code
                )


async def _retention(hub: Hub) -> None:
    """Trim inboxes below what every device group still needs and older than retention.

    The log itself is never trimmed here: it is the audit trail.
    """
    s = hub.settings
    while True:
        await asyncio.sleep(s.retention_interval_s)
        cutoff = now_ms() - int(s.retention_days * 86_400_000)
        with contextlib.suppress(RedisError, ProtocolError, OSError):
            for p in hub.roster.current.parties:
                n = await hub.streams.trim_inbox(p.code, cutoff)
                if n:
                    hub.metrics.inc("hotline_trimmed_total", n, party=p.code)


async def _on_shutdown(app: web.Application) -> None:
    # Close websockets first (going away), while Redis is still there to drain acks.
    for ws in list(app[HUB].sockets):
        with contextlib.suppress(Exception):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"hub shutting down")


def create_app(settings: Settings) -> web.Application:
    """The one place the hub is wired together."""
    from . import api_log  # noqa: F401  (registers the log routes)
    from .api import error_middleware, routes

    app = web.Application(middlewares=[error_middleware], client_max_size=2 * 1024 * 1024)
    app[HUB] = Hub(settings, settings.instance or f"{settings.device}#{os.urandom(4).hex()}")
    app.cleanup_ctx.append(_redis_ctx)
    app.cleanup_ctx.append(_core_ctx)
    app.on_shutdown.append(_on_shutdown)
    app.add_routes(routes)
    return app


def ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if not settings.tls:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(settings.path(settings.tls_cert), settings.path(settings.tls_key))
    _small_tls_read_buffers()
    return ctx


TLS_READ_BUFFER = 32 * 1024  # two full TLS records; devices send frames of a few KB


def _small_tls_read_buffers() -> None:
    """Shrink asyncio's per-connection TLS read buffer from 256 KiB to 32 KiB.

    Why: asyncio's SSLProtocol allocates (and zero-fills) a ``max_size`` bytearray for
    every connection; with 10,000 idle devices that alone was 2.5 GiB of the hub's RSS
    (bench: 270 KiB per TLS connection against 24 KiB per plain one). The server
    creates SSLProtocol itself, so the class attribute is the only handle; a smaller
    buffer only means more, smaller reads for a large burst.
    """
    import asyncio.sslproto

    asyncio.sslproto.SSLProtocol.max_size = TLS_READ_BUFFER


def describe(hub: Hub) -> dict[str, Any]:
    return {
        "device": hub.settings.device,
        "instance": hub.instance,
        "roster_version": hub.roster.current.version if hub.roster.chain else None,
    }
