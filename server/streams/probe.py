"""A blocking readiness probe for a redis-server we just started (no event loop yet)."""

from __future__ import annotations

import redis

from .errors import REDIS_ERRORS

__all__ = ["PasswordRefused", "answers_ping"]


class PasswordRefused(Exception):
    """The server is up but refuses our password (another server on that port?)."""


def answers_ping(port: int, password: str | None, timeout: float = 1.0) -> bool:
    """True if the server on loopback ``port`` answers PING (False while it loads)."""
    client = redis.Redis(
        host="127.0.0.1",
        port=port,
        password=password,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        protocol=2,
    )
    try:
        return bool(client.ping())
    except redis.AuthenticationError as exc:
        raise PasswordRefused(str(exc)) from exc
    except REDIS_ERRORS:  # not up yet, or still loading its AOF
        return False
    finally:
        client.close()
