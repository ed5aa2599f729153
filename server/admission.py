"""Websockets not yet authenticated: bounded per source address and in all.

Before a device has proved who it is, a socket costs the hub a task, buffers and a file
descriptor for up to the handshake deadline. Without a cap, one address could hold
thousands of them (issue 16: 1,000 ping-only sockets). A socket is counted from its
upgrade until its handshake ends (authenticated or not); beyond either cap the upgrade
is refused with 429 ``rate_limited`` before any websocket exists. The gauge
``hotline_unauthenticated_sockets`` shows the count, ``hotline_preauth_refused_total``
the refusals.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from hotline.protocol.errors import RateLimited

from .metrics import Metrics

__all__ = ["ConnectionGate", "GateSeat", "PreauthGate", "peer_address"]

GAUGE = "hotline_unauthenticated_sockets"


class PreauthGate:
    def __init__(self, per_address: int, total: int, metrics: Metrics) -> None:
        self.per_address, self.total = per_address, total
        self.metrics = metrics
        self._by_address: Counter[str] = Counter()
        self._count = 0
        metrics.set(GAUGE, 0)

    def __len__(self) -> int:
        return self._count

    def admit(self, address: str) -> None:
        """Count one more socket from ``address``, or raise ``RateLimited``."""
        if self._count >= self.total:
            self.metrics.inc("hotline_preauth_refused_total", scope="total")
            raise RateLimited("too many connections are authenticating: retry in a moment")
        if self._by_address[address] >= self.per_address:
            self.metrics.inc("hotline_preauth_refused_total", scope="address")
            raise RateLimited("too many unauthenticated connections from this address: retry later")
        self._by_address[address] += 1
        self._count += 1
        self.metrics.set(GAUGE, self._count)

    def leave(self, address: str) -> None:
        self._by_address[address] -= 1
        if self._by_address[address] <= 0:
            del self._by_address[address]
        self._count -= 1
        self.metrics.set(GAUGE, self._count)

    @contextmanager
    def held(self, address: str) -> Iterator[None]:
        self.admit(address)
        try:
            yield
        finally:
            self.leave(address)


class ConnectionGate:
    """Open HTTP connections (REST and websockets alike) per source address, and how
    fast one address may open new ones.

    The header, body and TLS handshake deadlines bound how long one connection is held;
    this bounds how many one address holds at once, so a single stranger cannot take
    the hub's file descriptors 10 seconds at a time, and how often it may come back: a
    refused socket that reconnects at once (the attack bench: ~700 a second) costs the
    hub an HTTP parse and an answer each time, enough to put 200 ms on a FLASH's p99;
    closed here it costs an accept and a close. Generous by default (a ministry's devices
    behind one NAT, all reconnecting after a hub restart, fit the burst).
    ``hotline_connections`` shows the count, ``hotline_connections_refused_total{why}``
    what was closed at once (``open``: too many open; ``rate``: too fast).
    """

    GAUGE = "hotline_connections"
    #: addresses whose bucket is full and that hold nothing are forgotten past this many
    REMEMBER = 10_000

    def __init__(
        self,
        per_address: int,
        metrics: Metrics,
        rate: float = 20.0,
        burst: int = 64,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_address = per_address
        self.metrics = metrics
        self.rate, self.burst, self.clock = rate, burst, clock
        self._by_address: Counter[str] = Counter()
        self._bucket: dict[str, tuple[float, float]] = {}  # address → (tokens, at)
        metrics.set(self.GAUGE, 0)

    def admit(self, address: str) -> bool:
        """Count one more connection from ``address``; False: close it, unanswered."""
        if not self._take(address):
            self.metrics.inc("hotline_connections_refused_total", why="rate")
            return False
        if self._by_address[address] >= self.per_address:
            self.metrics.inc("hotline_connections_refused_total", why="open")
            return False
        self._by_address[address] += 1
        self.metrics.set(self.GAUGE, sum(self._by_address.values()))
        return True

    def _take(self, address: str) -> bool:
        now = self.clock()
        tokens, at = self._bucket.get(address, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.rate)
        ok = tokens >= 1.0
        self._bucket[address] = (tokens - 1.0 if ok else tokens, now)
        if len(self._bucket) > self.REMEMBER:
            self._forget(now)
        return ok

    def _forget(self, now: float) -> None:
        # an address that could open a full burst again and holds nothing tells us nothing
        for a, (tokens, at) in list(self._bucket.items()):
            if a not in self._by_address and tokens + (now - at) * self.rate >= self.burst:
                del self._bucket[a]

    def leave(self, address: str) -> None:
        self._by_address[address] -= 1
        if self._by_address[address] <= 0:
            del self._by_address[address]
        self.metrics.set(self.GAUGE, sum(self._by_address.values()))


def peer_address(transport: asyncio.BaseTransport) -> str:
    """The source address a connection is counted under ("?" if the OS says none)."""
    peer = transport.get_extra_info("peername")
    return str(peer[0]) if isinstance(peer, tuple) and peer else "?"


class GateSeat:
    """One connection's place in a :class:`ConnectionGate`, for the protocol that owns it
    (the TLS protocol on the TLS listener, the request handler on the plain one)."""

    def __init__(self, gate: ConnectionGate | None) -> None:
        self.gate = gate
        self.address: str | None = None

    def take(self, transport: asyncio.BaseTransport) -> None:
        """Call from ``connection_made``: over the caps the connection is aborted, unread."""
        if self.gate is None:
            return
        address = peer_address(transport)
        if self.gate.admit(address):
            self.address = address
        else:
            transport.abort()

    def give_back(self) -> None:
        """Call from ``connection_lost``."""
        if self.gate is not None and self.address is not None:
            self.gate.leave(self.address)
            self.address = None
