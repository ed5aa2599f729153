"""Follows the hub's checkpoints: keeps the proof tree current, pushes each to every device.

Every hub process runs one (the signer may be another hub): a device connected anywhere
hears of every new checkpoint within moments, verifies it, cosigns it and asks for the
inclusion proofs it owes — its ``delivered`` receipts wait for them.
"""

from __future__ import annotations

import logging
from typing import Final

from hotline.protocol import Unavailable
from hotline.protocol.checkpoint import Checkpoint
from hotline.runtime.backoff import Backoff

from .log_tree import LogTree
from .registry import Registry
from .streams import Streams

__all__ = ["CheckpointFeed"]

log = logging.getLogger("hotline.hub.checkpoint_feed")
BLOCK_MS: Final = 1000


class CheckpointFeed:
    def __init__(self, streams: Streams, tree: LogTree, registry: Registry) -> None:
        self.streams = streams
        self.tree = tree
        self.registry = registry
        self.cursor = "0-0"

    async def load(self) -> None:
        """Every checkpoint so far, before the hub takes connections."""
        await self._take(await self.streams.checkpoints.after(self.cursor, None), push=False)

    async def run(self) -> None:
        backoff = Backoff()
        while True:
            try:
                items = await self.streams.checkpoints.after(self.cursor, BLOCK_MS)
            except Unavailable as exc:  # Redis away: not a crash, wait for it (like the router)
                log.warning("checkpoint feed paused: %s", exc.message)
                await backoff.wait()
                continue
            backoff.reset()
            await self._take(items)

    async def _take(self, items: list[tuple[str, bytes]], push: bool = True) -> None:
        for sid, raw in items:
            self.cursor = sid
            cp = Checkpoint.decode(raw)
            if not self.tree.add(cp):
                log.error("checkpoint of %d entries does not follow the tree of %d", cp.size,
                          self.tree.tree.size)  # fmt: skip
                continue
            if push:
                light = cp.encode(light=True)
                for sock in self.registry.all():
                    sock.push_checkpoint(light)
