"""Redis errors enter the error tree in server/streams (guarded), and no cancel is lost there."""

from __future__ import annotations

import asyncio
import inspect
import random
import re
from pathlib import Path

import pytest
from redis.exceptions import RedisError

from hotline.protocol import Unavailable
from hotline.server.redis_process import RedisProcess, free_port
from hotline.server.streams import Streams
from hotline.server.streams.checkpoints import Checkpoints
from hotline.server.streams.inbox import Inboxes
from hotline.server.streams.leases import Lease
from hotline.server.streams.log import Log
from hotline.server.streams.node import Node
from hotline.server.streams.references import References
from hotline.server.streams.retention import Retention
from hotline.server.streams.roster import RosterVersions
from hotline.server.streams.routing import Routing
from tests.conftest import TIMEOUT_FACTOR

SERVER = Path(__file__).resolve().parents[3] / "server"


#: coroutines that only compose guarded ones
COMPOSED = {"Log.accept", "Checkpoints.leaves", "Node.check_persistence"}


def test_every_public_coroutine_that_touches_redis_is_guarded() -> None:
    parts = (Log, Routing, Inboxes, References, Retention, Checkpoints, RosterVersions, Lease, Node)
    unguarded = [
        f"{cls.__name__}.{name}"
        for cls in parts
        for name, fn in vars(cls).items()
        if not name.startswith("_")
        and inspect.iscoroutinefunction(fn)
        and not getattr(fn, "__guarded__", False)
        and f"{cls.__name__}.{name}" not in COMPOSED
    ]
    assert unguarded == []


def test_no_code_outside_server_streams_handles_redis_errors() -> None:
    pattern = re.compile(r"RedisError|ResponseError|redis\.exceptions|redis\.(Connection|Timeout)")
    offenders = [
        str(p.relative_to(SERVER))
        for p in SERVER.rglob("*.py")
        if "streams" not in p.relative_to(SERVER).parts and pattern.search(p.read_text())
    ]
    assert offenders == []


async def test_an_unreachable_redis_is_unavailable_everywhere() -> None:
    s = Streams.open(f"redis://127.0.0.1:{free_port()}/0", timeout=0.2 * TIMEOUT_FACTOR)
    calls = [
        s.node.ping(),
        s.log.length(),
        s.log.append_event("hub_start", b""),
        s.routing.cursor(),
        s.inbox.read("HR", "HR/officer-1", 1),
        s.inbox.ensure_group("HR", "HR/officer-1"),
        s.checkpoints.latest(),
        s.rosters.all(),
        s.lease("hl:{log}:router", "me", 1000).take(),
    ]
    try:
        for call in calls:
            with pytest.raises(Unavailable) as info:
                await call
            assert isinstance(info.value.__cause__, (RedisError, OSError))
    finally:
        await s.close()


async def test_a_cancel_inside_a_redis_command_is_never_lost(redis_server: RedisProcess) -> None:
    """redis-py can turn a cancel into a ConnectionError and retry: the task must end."""
    s = Streams.open(redis_server.url)
    rng = random.Random(3)
    lost = 0
    try:
        for _ in range(200):
            stop = asyncio.Event()

            async def busy(stop: asyncio.Event = stop) -> None:
                while not stop.is_set():  # (the flag only ends a task whose cancel was lost)
                    try:
                        await s.node.ping()
                    except Unavailable:
                        continue  # what every hub loop does with a transient failure

            task = asyncio.create_task(busy())
            for _ in range(rng.randrange(1, 30)):
                await asyncio.sleep(0)
            task.cancel()
            await asyncio.wait({task}, timeout=2 * TIMEOUT_FACTOR)
            if not task.cancelled():
                lost += 1
                stop.set()
                await asyncio.wait({task}, timeout=2 * TIMEOUT_FACTOR)
                break
        assert lost == 0, "a cancelled task ran on"
    finally:
        await s.close()
