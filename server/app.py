"""``create_app(settings)``: the one place the hub is wired together.

State lives in typed ``AppKey``s (``server.appkeys``), each resource in its own
``cleanup_ctx`` (``server.contexts``), every background task under one supervisor.
``/metrics`` (per-party backlogs) is not on the public listener: ``create_metrics_app``
serves it on its own, loopback by default (``metrics_host`` / ``metrics_port``).
Shutdown order: websockets close first (``on_shutdown``: "going away", while Redis is
still there for their last acks), then the contexts unwind in reverse.
"""

from __future__ import annotations

import contextlib
import logging
import os

from aiohttp import WSCloseCode, web

from hotline.runtime.backoff import Backoff
from hotline.runtime.supervise import Supervisor, TaskState

from . import ws
from .admission import ConnectionGate, PreauthGate
from .appkeys import (
    CONNECTIONS,
    HEALTH,
    LOCK,
    METRICS,
    NONCES,
    PREAUTH,
    PROOF_LIMITS,
    REGISTRY,
    SETTINGS,
    SOCKETS,
    SUPERVISOR,
    VIEW,
)
from .config import Settings
from .contexts import CONTEXTS
from .health import Health
from .limits import DeviceBudgets
from .locks import HubLock
from .metrics import Metrics
from .nonces import NonceMemory
from .registry import Registry
from .routes import health, log, messages, metrics, roster
from .routes.problems import error_middleware
from .routes.reads import MAX_ROSTER_BODY, read_middleware
from .settings_view import HubView

__all__ = ["create_app", "create_metrics_app"]

logger = logging.getLogger("hotline.hub")
#: after an answer to a body not read to its end, read on at most this long, then close
LINGER_S = 1.0


def create_app(settings: Settings, *, lock: HubLock | None = None) -> web.Application:
    """The hub as an aiohttp application (start it with an ``AppRunner``).

    ``lock``: the home's locks, when the caller took them before binding its ports
    (``hotline serve``); otherwise the first context takes them.
    """
    app = web.Application(
        middlewares=[error_middleware, read_middleware],  # reads: bounded (routes.reads)
        client_max_size=MAX_ROSTER_BODY,
        # aiohttp's keep-alive timer runs from the connection's start or its last answer
        # and bytes do not extend it: it is the deadline for a complete request head
        handler_args={"keepalive_timeout": settings.header_timeout_s, "lingering_time": LINGER_S},
    )
    if lock is not None:
        app[LOCK] = lock
    instance = settings.instance or f"{settings.device}#{os.urandom(4).hex()}"
    app[SETTINGS] = settings
    app[VIEW] = HubView.of(settings, instance)
    app[METRICS] = Metrics()
    app[HEALTH] = Health(settings.task_crash_hold_s)
    app[REGISTRY] = Registry()
    app[SOCKETS] = set()
    app[NONCES] = NonceMemory(settings.max_future_skew_ms)
    app[PROOF_LIMITS] = DeviceBudgets()
    app[PREAUTH] = PreauthGate(
        settings.preauth_sockets_per_address, settings.preauth_sockets_total, app[METRICS]
    )
    app[CONNECTIONS] = ConnectionGate(
        settings.connections_per_address,
        app[METRICS],
        rate=settings.connection_rate_per_address,
        burst=settings.connection_burst_per_address,
    )
    app[SUPERVISOR] = _supervisor(settings, app[HEALTH], app[METRICS])
    app.cleanup_ctx.extend(CONTEXTS)
    app.on_shutdown.append(_close_websockets)
    app.add_routes(
        [
            web.get("/v1/ws", ws.websocket_handler),
            web.get("/healthz", health.healthz),
            web.get("/readyz", health.readyz),
            web.post("/v1/messages", messages.post_message),
            web.get("/v1/messages/{id}/status", messages.message_status),
            web.get("/v1/roster", roster.get_roster),
            web.post("/v1/roster", roster.post_roster),
            web.get("/v1/log/checkpoint", log.get_checkpoint),
            web.post("/v1/log/checkpoint", log.post_checkpoint),
            web.get("/v1/log/proof/{id}", log.get_inclusion),
            web.get("/v1/log/consistency", log.get_consistency),
            web.get("/v1/audit/export", log.export),
        ]
    )
    return app


def create_metrics_app(hub: web.Application) -> web.Application:
    """``GET /metrics`` for ``hub``'s metrics, for a private listener."""
    app = web.Application()
    app[METRICS] = hub[METRICS]
    app.add_routes([web.get("/metrics", metrics.metrics)])
    return app


def _supervisor(settings: Settings, health_: Health, metrics_: Metrics) -> Supervisor:
    """Crashes show on /healthz and in ``hotline_task_crashes_total{task}``."""

    def on_crash(st: TaskState, _exc: BaseException) -> None:
        metrics_.inc("hotline_task_crashes_total", task=st.kind)
        health_.task_crashed(st.kind)

    def on_fatal(st: TaskState, _exc: BaseException) -> None:
        health_.fatal = st.kind

    return Supervisor(
        on_crash=on_crash,
        on_fatal=on_fatal,
        backoff=lambda: Backoff(settings.task_restart_s, max(30.0, settings.task_restart_s)),
    )


async def _close_websockets(app: web.Application) -> None:
    app[REGISTRY].close()  # no session starts reading from now on
    for sock in list(app[SOCKETS]):
        # close() itself absorbs a peer already gone (it records the error on the socket);
        # what it lets out is a peer that does not answer the close in time: shutdown goes on
        with contextlib.suppress(TimeoutError):
            await sock.close(code=WSCloseCode.GOING_AWAY, message=b"hub shutting down")
    # Every session's delivery and ack loops, while Redis is still up. Why not leave it
    # to each session's own ending: one waiting on its request worker (a FLASH append
    # held by a slow Redis) or on a read it lent out ends seconds later, after the Redis
    # context has unwound; what they had in flight stays pending, sent on reconnect.
    await app[SUPERVISOR].stop(kinds={"pump", "acks"})
