"""Signed checkpoints, the message-id → leaf-index map, and "sign now" requests."""

from __future__ import annotations

from typing import Any

from hotline.protocol.audit import Checkpoint

from .errors import guarded
from .keys import CHECKPOINTS, CKPT_FORCE, INDEX

__all__ = ["Checkpoints"]

UNREACHABLE = "the checkpoints are not reachable"


class Checkpoints:
    def __init__(self, client: Any) -> None:
        self.r = client

    @guarded(UNREACHABLE)
    async def all(self) -> list[bytes]:
        return [bytes(f[b"c"]) for _eid, f in await self.r.xrange(CHECKPOINTS)]

    @guarded(UNREACHABLE)
    async def latest(self) -> bytes | None:
        res = await self.r.xrevrange(CHECKPOINTS, count=1)
        return bytes(res[0][1][b"c"]) if res else None

    @guarded(UNREACHABLE)
    async def add(self, data: bytes, size: int) -> None:
        await self.r.xadd(CHECKPOINTS, {"c": data, "size": size})

    async def leaves(self) -> tuple[list[bytes], Checkpoint | None]:
        """Every covered leaf hash, from the stored checkpoints' windows, and the last."""
        leaves: list[bytes] = []
        last = None
        for raw in await self.all():
            cp = Checkpoint.decode(raw)
            if cp.prev_size == len(leaves):
                leaves.extend(cp.leaves)
                last = cp
        return leaves, last

    @guarded(UNREACHABLE)
    async def index_ids(self, mapping: dict[str, int]) -> None:
        if mapping:
            await self.r.hset(INDEX, mapping=mapping)

    @guarded(UNREACHABLE)
    async def leaf_index(self, mid_hex: str) -> int | None:
        v = await self.r.hget(INDEX, mid_hex)
        return int(v) if v is not None else None

    @guarded(UNREACHABLE)
    async def request(self) -> None:
        await self.r.set(CKPT_FORCE, "1")

    @guarded(UNREACHABLE)
    async def take_request(self) -> bool:
        return bool(await self.r.delete(CKPT_FORCE))
