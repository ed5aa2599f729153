"""The Redis server itself: does it answer, and is it durable enough to promise on."""

from __future__ import annotations

import logging
from typing import Any

from redis.asyncio.cluster import RedisCluster

from ..config import ConfigError
from .errors import guarded
from .types import as_str

__all__ = ["Node"]

log = logging.getLogger("hotline.hub.streams")


class Node:
    def __init__(self, client: Any, cluster: bool) -> None:
        self.r = client
        self.cluster = cluster

    @guarded("the message store is not reachable")
    async def ping(self) -> bool:
        return bool(await self.r.ping())

    @guarded("the message store is not reachable")
    async def persistence(self) -> dict[str, str]:
        """The server's appendonly / appendfsync settings (the weakest node's, on a Cluster)."""
        if not self.cluster:
            res = await self.r.config_get("append*")
            return {as_str(k): as_str(v) for k, v in res.items()}
        res = await self.r.config_get("append*", target_nodes=RedisCluster.PRIMARIES)
        if isinstance(res, dict) and all(isinstance(v, dict) for v in res.values()):
            merged: dict[str, str] = {}
            for node in res.values():
                for k, v in node.items():
                    if merged.get(as_str(k)) in (None, "yes", "always"):
                        merged[as_str(k)] = as_str(v)
            return merged
        return {as_str(k): as_str(v) for k, v in res.items()}

    async def check_persistence(self, allow_unsafe: bool) -> dict[str, str]:
        """Refuse settings that could lose an accepted message, unless overridden."""
        conf = await self.persistence()
        unsafe = []
        if conf.get("appendonly") != "yes":
            unsafe.append("appendonly is 'no' (set appendonly yes)")
        if conf.get("appendfsync") == "no":
            unsafe.append("appendfsync is 'no' (set appendfsync always)")
        if unsafe and not allow_unsafe:
            raise ConfigError(
                "Redis persistence is unsafe: "
                + "; ".join(unsafe)
                + ". An accepted message could be lost in a crash. Fix redis.conf, or "
                "set allow_unsafe_redis = true to run anyway"
            )
        if unsafe:
            log.warning("running on unsafe Redis persistence: %s", "; ".join(unsafe))
        return conf
