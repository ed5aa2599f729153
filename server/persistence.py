"""Refuse Redis settings that could lose an accepted message."""

from __future__ import annotations

import logging

from .config import ConfigError
from .streams import Streams

__all__ = ["check_persistence"]

log = logging.getLogger("hotline.hub")


async def check_persistence(streams: Streams, allow_unsafe: bool) -> dict[str, str]:
    """Refuse Redis settings that could lose an accepted message, unless overridden."""
    conf = await streams.persistence()
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
