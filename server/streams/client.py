"""The redis-py client: RESP2 pinned, a bounded pool, one code path for every topology."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.utils import HIREDIS_AVAILABLE

from ..config import ConfigError

__all__ = ["PARSER_ENV", "connect", "parser_name", "redact"]

#: ``python``: redis-py's own reply parser even when hiredis is installed (to A/B it, or to
#: rule hiredis out when chasing a bug). Why hiredis by default: without it reply parsing
#: was a quarter of the hub's CPU per message in the hub-only bench.
PARSER_ENV = "HOTLINE_REDIS_PARSER"


def _python_parser() -> bool:
    return os.environ.get(PARSER_ENV, "").strip().lower() == "python"


def parser_name() -> str:
    return "hiredis" if HIREDIS_AVAILABLE and not _python_parser() else "python"


def redact(url: str) -> str:
    """The URL without its password, for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def connect(
    url: str, *, cluster: bool = False, timeout: float = 5.0, max_connections: int = 256
) -> Any:
    """A redis-py asyncio client with RESP2 pinned (reply shapes are stable across versions).

    The pool is bounded: a command waits (up to ``timeout``) for a free connection.
    Why: every connected device's pump reads Redis when its party is routed to, so one
    message to a party with 10,000 devices online would otherwise open 10,000
    connections, past Redis's ``maxclients``, and keep them (the pool never shrinks).
    Redis Cluster clients keep redis-py's per-node pools.
    """
    common: dict[str, Any] = {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "protocol": 2,
        "health_check_interval": 15,
    }
    if _python_parser() and HIREDIS_AVAILABLE:
        # the pure-Python reader redis-py picks when hiredis is absent (it reads RESP2 too)
        from redis._parsers import _AsyncRESP3Parser

        common["parser_class"] = _AsyncRESP3Parser
    try:
        if cluster:
            return RedisCluster.from_url(url, **common)
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=timeout, **common
        )
    except ValueError as exc:
        raise ConfigError(
            f"redis URL {redact(url)!r} is not valid ({exc}): use redis://[:password@]host:port/db"
        ) from exc
    # from_pool: the client owns the pool and closes its connections in aclose()
    return aioredis.Redis.from_pool(pool)
