"""One hub per home (server/locks.py): a second hub exits naming the first; replicas share one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.server.redis_process import RedisProcess, free_port
from tests.harness import HubProcess
from tests.server.helpers import one_line, running, serve

pytestmark = pytest.mark.slow


@pytest.fixture
def embedded_hub(home: Path) -> Iterator[HubProcess]:
    """``hotline serve`` with the embedded Redis, up and ready."""
    hub = HubProcess(home, "").start()
    try:
        yield hub
    finally:
        hub.stop()


def test_a_second_hub_on_a_home_exits_naming_the_first(
    home: Path, embedded_hub: HubProcess
) -> None:
    assert embedded_hub.proc is not None
    pid = embedded_hub.proc.pid
    for port in (free_port(), embedded_hub.port):  # the lock comes before the port
        line = one_line(serve(home, "--port", str(port)), "another hub is running", f"pid={pid}")
        assert "stop it first" in line
    redis_dirs = list((home / "hub").glob("redis*"))
    assert len(redis_dirs) == 1  # no second data directory, no second redis-server
    assert embedded_hub.proc.poll() is None  # and the first runs on


def test_a_killed_hubs_redis_is_stopped_by_the_next_hub(home: Path) -> None:
    """After kill -9 of the hub its redis-server holds the data directory: not two servers."""
    hub = HubProcess(home, "").start()
    hub.kill()
    orphan = int((home / "hub" / "redis" / "redis.lock").read_text().split()[0][4:])
    assert running(orphan)
    hub.start()  # same port, same home
    try:
        assert not running(orphan)
    finally:
        hub.stop()


def test_hubs_on_an_external_redis_share_a_home_but_not_an_instance(
    home: Path, redis_server: RedisProcess
) -> None:
    a = HubProcess(home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "a"}).start()
    b = HubProcess(home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "b"}).start()
    try:
        r = serve(home, "--redis", redis_server.url, HOTLINE_HUB_INSTANCE="a")
        one_line(r, "instance 'a' is already running", f"pid={a.proc.pid}")  # type: ignore[union-attr]
        # nor may a hub with the embedded Redis start beside them
        one_line(serve(home), "another hub is running")
    finally:
        a.stop()
        b.stop()
