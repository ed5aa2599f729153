"""The floor of the end-to-end scenarios: plain redis-py doing the same Redis work."""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from .common import PARTIES, rate

__all__ = ["baseline"]


async def _one_message(r: Any, k: int, payload: bytes) -> None:
    """Log append, 7 inbox appends, one read per inbox, the acks: three round trips."""
    pipe = r.pipeline(transaction=False)
    pipe.xadd("b:{log}", {"e": payload})
    for p in PARTIES:
        pipe.xadd(f"b:{{inbox:{p}}}", {"d": payload})
    await pipe.execute()
    pipe = r.pipeline(transaction=False)
    for p in PARTIES:
        pipe.xreadgroup("dev", f"c{k}", {f"b:{{inbox:{p}}}": ">"}, count=1)
    got = await pipe.execute()
    pipe = r.pipeline(transaction=False)
    for p, res in zip(PARTIES, got, strict=True):
        for _key, entries in res or []:
            pipe.xack(f"b:{{inbox:{p}}}", "dev", *[e[0] for e in entries])
    await pipe.execute()


async def baseline(url: str, n: int, conc: int = 16) -> dict[str, Any]:
    """Messages per second of the raw Redis work a hub message needs (AOF as configured)."""
    import redis.asyncio as aioredis

    r = aioredis.Redis.from_url(url, protocol=2)
    await r.flushall()
    payload = os.urandom(6000)  # a sealed 1 KB body to 7 parties is about this size
    for p in PARTIES:
        await r.xgroup_create(f"b:{{inbox:{p}}}", "dev", id="0", mkstream=True)
    done = 0

    async def worker(k: int) -> None:
        nonlocal done
        while done < n:
            done += 1
            await _one_message(r, k, payload)

    t = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(conc)))
    secs = time.perf_counter() - t
    await r.flushall()
    await r.aclose()
    return {"messages": n, "seconds": round(secs, 2), "msgs_per_s": rate(n, secs)}
