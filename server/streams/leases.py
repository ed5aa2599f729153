"""Leases: one router and one checkpoint signer at a time across hubs."""

from __future__ import annotations

from typing import Any

from .errors import guarded
from .scripts import LEASE, Scripts
from .types import as_str

__all__ = ["Lease"]


class Lease:
    """``key`` held by ``owner`` for ``ttl_ms`` at a time, renewed by taking it again."""

    def __init__(self, client: Any, scripts: Scripts, key: str, owner: str, ttl_ms: int) -> None:
        self.r, self.scripts = client, scripts
        self.key, self.owner, self.ttl_ms = key, owner, ttl_ms

    @guarded("the lease store is not reachable")
    async def take(self) -> bool:
        return bool(await self.scripts.call(LEASE, [self.key], [self.owner, self.ttl_ms]))

    @guarded("the lease store is not reachable")
    async def release(self) -> None:
        """Give it up now (the next holder need not wait for it to expire)."""
        if as_str(await self.r.get(self.key) or b"") == self.owner:
            await self.r.delete(self.key)
