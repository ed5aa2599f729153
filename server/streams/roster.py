"""Roster versions as stored in Redis (the chain is verified by ``server.roster_store``)."""

from __future__ import annotations

from typing import Any

from .errors import guarded
from .keys import ROSTER

__all__ = ["RosterVersions"]


class RosterVersions:
    def __init__(self, client: Any) -> None:
        self.r = client

    @guarded("the roster store is not reachable")
    async def all(self) -> dict[int, bytes]:
        raw = await self.r.hgetall(ROSTER)
        return {int(k): bytes(v) for k, v in raw.items()}

    @guarded("the roster store is not reachable")
    async def put(self, version: int, data: bytes) -> bool:
        return bool(await self.r.hsetnx(ROSTER, str(version), data))
