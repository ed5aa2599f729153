"""The one owner of Redis: every call the hub makes, returning typed values.

``Streams`` bundles one redis-py client (single node, Sentinel-managed primary or
Cluster — one implementation) with the parts that use it:

- ``log``          the append-only log (accept, receipts, events, reads) — ``log.py``
- ``routing``      references into inboxes, the cursor, hub wake-ups — ``routing.py``
- ``inbox``        consumer groups, reads, reclaim, acks, dead letters — ``inbox.py``
  (references resolved against the log: ``references.py``)
- ``retention``    backlog and trimming — ``retention.py``
- ``checkpoints``  signed checkpoints and leaf indexes — ``checkpoints.py``
- ``rosters``      roster versions — ``roster.py``
- ``node``         ping and the persistence check — ``node.py``
- ``lease(...)``   router and signer leases — ``leases.py``

Key names are in ``keys.py``, the Lua in ``scripts.py``. Every Redis error is
turned into :class:`hotline.protocol.Unavailable` where it enters (``errors.py``); no
caller outside this package handles a redis-py exception.
"""

from __future__ import annotations

import contextlib
from typing import Any

from .cache import LogRecord, PayloadCache
from .checkpoints import Checkpoints
from .client import connect, redact
from .errors import REDIS_ERRORS
from .inbox import Inboxes
from .keys import (
    CHECKPOINTS,
    CKPT_LEASE,
    COUNTER,
    IDS,
    LANES,
    LOG,
    ROUTER_LEASE,
    dlq_key,
    inbox_key,
    lane_for,
)
from .leases import Lease
from .log import AcceptItem, Log
from .node import Node
from .references import References
from .retention import Retention
from .roster import RosterVersions
from .routing import Routing
from .scripts import Scripts
from .types import (
    AcceptResult,
    ClaimResult,
    Foreign,
    InboxBatch,
    InboxEntry,
    LogEntry,
    MessageMeta,
    RouteResult,
    id_lt,
)

__all__ = [
    "CHECKPOINTS",
    "CKPT_LEASE",
    "COUNTER",
    "IDS",
    "LANES",
    "LOG",
    "ROUTER_LEASE",
    "AcceptItem",
    "AcceptResult",
    "ClaimResult",
    "Foreign",
    "InboxBatch",
    "InboxEntry",
    "Lease",
    "LogEntry",
    "LogRecord",
    "MessageMeta",
    "RouteResult",
    "Streams",
    "connect",
    "dlq_key",
    "id_lt",
    "inbox_key",
    "lane_for",
    "redact",
]


class Streams:
    """Typed access to the hub's Redis keys over one redis-py asyncio client."""

    def __init__(self, client: Any, *, cluster: bool = False) -> None:
        self.raw = client  # for tests and tools that play an insider with Redis access
        self.cluster = cluster
        scripts = Scripts(client, cluster=cluster)
        self._scripts = scripts
        self.cache = PayloadCache()
        self.log = Log(client, scripts)
        self.routing = Routing(client, scripts, self.cache)
        self.inbox = Inboxes(client, References(client, self.log, self.cache))
        self.retention = Retention(client)
        self.checkpoints = Checkpoints(client)
        self.rosters = RosterVersions(client)
        self.node = Node(client, cluster)

    @classmethod
    def open(
        cls, url: str, *, cluster: bool = False, max_connections: int = 256, timeout: float = 5.0
    ) -> Streams:
        client = connect(url, cluster=cluster, max_connections=max_connections, timeout=timeout)
        return cls(client, cluster=cluster)

    def lease(self, key: str, owner: str, ttl_ms: int) -> Lease:
        return Lease(self.raw, self._scripts, key, owner, ttl_ms)

    async def close(self) -> None:
        with contextlib.suppress(*REDIS_ERRORS, RuntimeError):  # closing: nothing to save
            await self.raw.aclose()
