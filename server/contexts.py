"""One ``cleanup_ctx`` per resource, in start-up order; aiohttp unwinds them in reverse.

Start: the home's locks → embedded Redis → streams (and the persistence check) → the
hub's signing key → roster → journal and intake → router → notifier → the proof tree
and checkpoint feed → checkpointer → gauges → retention → "hub_start" logged, ready.
Stop (after ``on_shutdown`` closed the websockets while Redis is still up): not ready,
"hub_stop" logged → each background task stopped and its lease released → journal
closed → Redis client closed → embedded Redis stopped → locks released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from aiohttp import web

from hotline.protocol import SigningKey, Unavailable
from hotline.protocol.acceptance import Rules
from hotline.runtime.clock import now_ms

from .appkeys import (
    CHECKPOINTER,
    HEALTH,
    INTAKE,
    LOCK,
    LOG_TREE,
    METRICS,
    REDIS_URL,
    REGISTRY,
    ROSTER,
    ROUTER,
    SETTINGS,
    SIGNER,
    STREAMS,
    SUPERVISOR,
    VIEW,
    WITNESSES,
)
from .checkpoint_feed import CheckpointFeed
from .checkpointer import Checkpointer
from .config import ConfigError
from .event_log import HubSigner
from .intake import Intake
from .journal import AcceptJournal, read_journals
from .locks import HubLock
from .log_check import EntryChecker
from .log_tree import LogTree
from .redis_process import DataDirBusy, RedisProcess
from .roster_store import RosterState
from .router import Notifier, Router
from .streams import Streams, redact
from .upkeep import Gauges, Retention
from .witnesses import Witnesses

__all__ = ["CONTEXTS"]

log = logging.getLogger("hotline.hub")
STOP_S = 2.0  # a task parked in a blocking XREAD may take a moment; never hang on it
RECEIVING = ("officer", "feed", "auditor", "observer")


async def _append(
    app: web.Application, etype: str, payload: bytes, extra: dict[str, object]
) -> None:
    event = app[SIGNER].event(etype, now_ms(), payload, **extra)
    await app[STREAMS].log.append_event(etype, event)


async def signer_ctx(app: web.Application) -> AsyncIterator[None]:
    """The hub's key: every log event and checkpoint it writes carries its signature."""
    s, view = app[SETTINGS], app[VIEW]
    key_path = s.path(s.key_file)
    if not key_path.exists():
        raise ConfigError(
            f"the hub's signing key {key_path} is missing: run `hotline init` or set key_file"
        )
    app[SIGNER] = HubSigner(SigningKey(key_path.read_bytes()), view.device)
    yield


async def lock_ctx(app: web.Application) -> AsyncIterator[None]:
    """One hub per home (``server.locks``), unless the caller holds the locks already."""
    if LOCK in app:
        yield
        return
    s = app[SETTINGS]
    lock = HubLock.acquire(
        s.home, app[VIEW].instance, embedded=not s.redis_url, listen=f"{s.host}:{s.port}"
    )
    try:
        yield
    finally:
        lock.release()


async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    """The configured Redis, or a private redis-server with AOF always."""
    s = app[SETTINGS]
    proc: RedisProcess | None = None
    if s.redis_url:
        app[REDIS_URL] = s.redis_url
    else:
        proc = RedisProcess(s.home / "hub" / "redis", appendfsync="always")
        await asyncio.to_thread(_start_embedded, proc)
        app[REDIS_URL] = proc.url
        log.info("embedded redis-server on port %d (AOF always) in %s", proc.port, proc.directory)
    try:
        yield
    finally:
        if proc is not None:
            await asyncio.to_thread(proc.stop)


def _start_embedded(proc: RedisProcess) -> None:
    """Start it; a redis-server left running by a hub that was killed is stopped first.

    We hold the home's lock exclusively, so no other hub of this home is alive: a
    server still holding the data directory is an orphan of an earlier one.
    """
    try:
        proc.start()
        return
    except DataDirBusy as exc:
        if exc.pid is None or not _is_redis_server(exc.pid):
            raise
        log.warning("stopping redis-server pid %d left running by an earlier hub", exc.pid)
        os.kill(exc.pid, signal.SIGTERM)  # it fsyncs its AOF and exits
        orphan = exc
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            proc.start()
            return
        except DataDirBusy:
            time.sleep(0.1)  # polling the orphan's exit, with a deadline
    raise orphan


def _is_redis_server(pid: int) -> bool:
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


async def streams_ctx(app: web.Application) -> AsyncIterator[None]:
    s = app[SETTINGS]
    streams = app[STREAMS] = Streams.open(
        app[REDIS_URL], cluster=s.redis_cluster, max_connections=s.redis_max_connections
    )
    try:
        try:
            await streams.node.check_persistence(s.allow_unsafe_redis)
        except Unavailable as exc:  # at start: say where, why and what to do, in one line
            raise ConfigError(
                f"cannot reach Redis at {redact(app[REDIS_URL])}: {exc.__cause__ or exc}: "
                "start it, or fix redis_url (--redis)"
            ) from exc
        yield
    finally:
        await streams.close()


async def ensure_groups(streams: Streams, roster: RosterState) -> None:
    """One consumer group per receiving device, before anything is routed to it."""
    for d in roster.current.devices:
        if d.role in RECEIVING:
            await streams.inbox.ensure_group(d.party, d.id)


async def roster_ctx(app: web.Application) -> AsyncIterator[None]:
    s, streams = app[SETTINGS], app[STREAMS]
    roster = app[ROSTER] = RosterState()
    for r in await roster.load(streams, s.path(s.roster_dir), now_ms()):
        await _append(app, "roster", r.encode(), {"version": r.version})
    await ensure_groups(streams, roster)
    yield


async def intake_ctx(app: web.Application) -> AsyncIterator[None]:
    """Reconcile the accept journals with Redis, then accept through a fresh journal."""
    s, health, metrics = app[SETTINGS], app[HEALTH], app[METRICS]
    journal_dir = s.home / "hub" / "journal"
    recent = await asyncio.to_thread(read_journals, journal_dir)
    missing = await app[STREAMS].log.missing_ids([m for m, _p in recent])
    health.missing_accepted = missing
    metrics.set("hotline_missing_accepted", len(missing))
    if missing:
        log.error(
            "ALERT: %d message(s) this network answered 'accepted' are missing from "
            "Redis (was the AOF truncated?): %s",
            len(missing),
            ", ".join(missing),
        )
    journal = AcceptJournal(journal_dir, app[VIEW].instance)
    registry = app[REGISTRY]
    app[INTAKE] = Intake(
        app[STREAMS], app[ROSTER], app[VIEW], metrics, app[SIGNER], journal,
        on_routed=registry.wake, lend=registry.lend,
    )  # fmt: skip
    try:
        yield
    finally:
        journal.close()


async def router_ctx(app: web.Application) -> AsyncIterator[None]:
    s, view = app[SETTINGS], app[VIEW]
    router = app[ROUTER] = Router(
        app[STREAMS], view.instance, s.router_lease_ms, app[METRICS], app[REGISTRY].wake
    )
    task = app[SUPERVISOR].spawn("router", router.run)
    try:
        yield
    finally:
        await task.stop(STOP_S)
        with contextlib.suppress(Unavailable):
            await router.stop()  # the next router need not wait for the lease to expire


async def notifier_ctx(app: web.Application) -> AsyncIterator[None]:
    notifier = Notifier(app[STREAMS], app[REGISTRY].wake, own=app[VIEW].instance)
    task = app[SUPERVISOR].spawn("notifier", notifier.run)
    try:
        yield
    finally:
        await task.stop(STOP_S)


async def log_tree_ctx(app: web.Application) -> AsyncIterator[None]:
    """The checkpointed tree for proofs, kept current; new checkpoints go to every device."""
    streams = app[STREAMS]
    tree = app[LOG_TREE] = LogTree()
    app[WITNESSES] = Witnesses(streams, app[ROSTER], tree, app[METRICS])
    feed = CheckpointFeed(streams, tree, app[REGISTRY])
    await feed.load()
    task = app[SUPERVISOR].spawn("checkpoint-feed", feed.run)
    try:
        yield
    finally:
        await task.stop(STOP_S)


async def checkpointer_ctx(app: web.Application) -> AsyncIterator[None]:
    s, view, roster = app[SETTINGS], app[VIEW], app[ROSTER]
    rules = Rules(s.max_future_skew_ms, s.max_age_ms)

    def alarm(message: str) -> None:
        app[HEALTH].integrity_alarm(message)
        for sock in app[REGISTRY].all():  # every party hears it at once
            sock.alert("integrity_alarm", message, now_ms())

    ckpt = app[CHECKPOINTER] = Checkpointer(
        app[STREAMS],
        app[SIGNER].key,
        view.device,
        roster.current.network,
        every=s.checkpoint_every,
        interval_s=s.checkpoint_interval_s,
        owner=view.instance,
        lease_ms=s.router_lease_ms,
        metrics=app[METRICS],
        checker=lambda: EntryChecker(roster.chain, app[SIGNER], rules),
        on_alarm=alarm,
    )
    task = app[SUPERVISOR].spawn("checkpointer", ckpt.run)
    try:
        yield
    finally:
        await task.stop(STOP_S)
        with contextlib.suppress(Unavailable):
            await ckpt.stop()


async def gauges_ctx(app: web.Application) -> AsyncIterator[None]:
    gauges = Gauges(app[STREAMS], app[ROSTER], app[METRICS])
    task = app[SUPERVISOR].spawn("gauges", gauges.run)
    try:
        yield
    finally:
        await task.stop(STOP_S)


async def retention_ctx(app: web.Application) -> AsyncIterator[None]:
    s = app[SETTINGS]
    retention = Retention(
        app[STREAMS],
        app[ROSTER],
        app[METRICS],
        days=s.retention_days,
        every_s=s.retention_interval_s,
    )
    task = app[SUPERVISOR].spawn("retention", retention.run)
    try:
        yield
    finally:
        await task.stop(STOP_S)


async def lifecycle_ctx(app: web.Application) -> AsyncIterator[None]:
    """Log the start (with what reconciliation found) and the stop; readiness between."""
    view, health = app[VIEW], app[HEALTH]
    extra = {"instance": view.instance, "missing_accepted": health.missing_accepted}
    await _append(app, "hub_start", b"", extra)
    health.ready = True
    try:
        yield
    finally:
        health.ready = False
        with contextlib.suppress(Unavailable):
            await _append(app, "hub_stop", b"", {"instance": view.instance})


CONTEXTS: Sequence = (
    lock_ctx,
    redis_ctx,
    streams_ctx,
    signer_ctx,
    roster_ctx,
    intake_ctx,
    router_ctx,
    notifier_ctx,
    log_tree_ctx,
    checkpointer_ctx,
    gauges_ctx,
    retention_ctx,
    lifecycle_ctx,
)
