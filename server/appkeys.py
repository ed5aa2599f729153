"""The hub's state, one typed ``web.AppKey`` per object (aiohttp's ``web_advanced``).

``create_app`` fills them; handlers read them. There is no hub object to reach into:
each handler names exactly what it uses.
"""

from __future__ import annotations

from aiohttp import web

from hotline.runtime.supervise import Supervisor

from .admission import ConnectionGate, PreauthGate
from .checkpointer import Checkpointer
from .config import Settings
from .event_log import HubSigner
from .health import Health
from .intake import Intake
from .limits import DeviceBudgets
from .locks import HubLock
from .log_tree import LogTree
from .metrics import Metrics
from .nonces import NonceMemory
from .registry import Registry
from .roster_store import RosterState
from .router import Router
from .settings_view import HubView
from .streams import Streams
from .witnesses import Witnesses

__all__ = [
    "CHECKPOINTER",
    "CONNECTIONS",
    "HEALTH",
    "INTAKE",
    "LOCK",
    "LOG_TREE",
    "METRICS",
    "NONCES",
    "PREAUTH",
    "PROOF_LIMITS",
    "REDIS_URL",
    "REGISTRY",
    "ROSTER",
    "ROUTER",
    "SETTINGS",
    "SIGNER",
    "SOCKETS",
    "STREAMS",
    "SUPERVISOR",
    "VIEW",
    "WITNESSES",
    "Sockets",
]

Sockets = set[web.WebSocketResponse]

SETTINGS = web.AppKey("settings", Settings)
LOCK = web.AppKey("lock", HubLock)  # one hub per home (server.locks)
VIEW = web.AppKey("view", HubView)  # device id, instance name, clock bounds
METRICS = web.AppKey("metrics", Metrics)
HEALTH = web.AppKey("health", Health)
SUPERVISOR = web.AppKey("supervisor", Supervisor)
REGISTRY = web.AppKey("registry", Registry)  # connected devices, by party
SOCKETS = web.AppKey("sockets", Sockets)  # open websockets, closed first at shutdown
REDIS_URL = web.AppKey("redis_url", str)  # the configured or the embedded server's
STREAMS = web.AppKey("streams", Streams)
ROSTER = web.AppKey("roster", RosterState)
INTAKE = web.AppKey("intake", Intake)
ROUTER = web.AppKey("router", Router)
CHECKPOINTER = web.AppKey("checkpointer", Checkpointer)
SIGNER = web.AppKey("signer", HubSigner)  # the hub's key: every log event it writes is signed
LOG_TREE = web.AppKey("log_tree", LogTree)  # every checkpointed leaf, for proofs and pushes
WITNESSES = web.AppKey("witnesses", Witnesses)  # the parties' cosignatures, fork proofs
NONCES = web.AppKey("nonces", NonceMemory)  # signed REST requests seen (no replay)
PREAUTH = web.AppKey("preauth", PreauthGate)  # websockets not yet authenticated, capped
CONNECTIONS = web.AppKey("connections", ConnectionGate)  # open connections per address
PROOF_LIMITS = web.AppKey("proof_limits", DeviceBudgets)  # proofs per device, ws and REST
