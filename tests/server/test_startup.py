"""Start-up: one hub per home, and every failure is one line with the fix (issue 16 §9)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.server.redis_process import RedisProcess, free_port
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import HubProcess

pytestmark = pytest.mark.slow
T = 60 * TIMEOUT_FACTOR


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HOTLINE_HUB_METRICS_PORT": str(free_port()), **extra}


def _serve(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A hub start that is expected to fail at once."""
    return subprocess.run(
        [sys.executable, "-m", "hotline.server", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=T,
        env=_env(**env),
    )


def _one_line(r: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    errors = [x for x in r.stderr.splitlines() if x.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    for text in expected:
        assert text in errors[0], errors[0]
    return errors[0]


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's reaper may be slow to collect it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


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
        line = _one_line(_serve(home, "--port", str(port)), "another hub is running", f"pid={pid}")
        assert "stop it first" in line
    redis_dirs = list((home / "hub").glob("redis*"))
    assert len(redis_dirs) == 1  # no second data directory, no second redis-server
    assert embedded_hub.proc.poll() is None  # and the first runs on


def test_a_killed_hubs_redis_is_stopped_by_the_next_hub(home: Path) -> None:
    """After kill -9 of the hub its redis-server holds the data directory: not two servers."""
    hub = HubProcess(home, "").start()
    hub.kill()
    orphan = int((home / "hub" / "redis" / "redis.lock").read_text().split()[0][4:])
    assert _running(orphan)
    hub.start()  # same port, same home
    try:
        assert not _running(orphan)
    finally:
        hub.stop()


def test_a_bad_redis_url_is_one_line(home: Path) -> None:
    _one_line(_serve(home, "--redis", "localhost:6379"), "redis URL scheme", "redis://")
    _one_line(_serve(home, "--redis", "redis://127.0.0.1:port/0"), "redis URL is not valid")
    _one_line(_serve(home, "--redis", "redis://127.0.0.1:6379/zero"), "is not a number")
    down = f"redis://:secret-pw@127.0.0.1:{free_port()}/0"
    line = _one_line(_serve(home, "--redis", down), "cannot reach Redis", "fix redis_url")
    assert "secret-pw" not in line  # the password is never printed


def test_a_port_in_use_is_one_line(home: Path, redis_server: RedisProcess) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        _one_line(
            _serve(home, "--port", str(port), "--redis", redis_server.url),
            f"cannot listen for the hub on 127.0.0.1:{port}",
            "choose another --port",
        )
        _one_line(
            _serve(home, "--redis", redis_server.url, HOTLINE_HUB_METRICS_PORT=str(port)),
            "cannot listen for metrics",
            "metrics_port",
        )


def test_an_unusable_home_is_one_line(home: Path, tmp_path: Path) -> None:
    _one_line(_serve(tmp_path / "nowhere"), "is not a hub home", "hotline init")
    (home / "hub" / "hub.lock").mkdir()  # as unusable as an unreadable one, even for root
    _one_line(_serve(home), "cannot use the hub's home", "permissions")


def test_hubs_on_an_external_redis_share_a_home_but_not_an_instance(
    home: Path, redis_server: RedisProcess
) -> None:
    a = HubProcess(home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "a"}).start()
    b = HubProcess(home, redis_server.url, env={"HOTLINE_HUB_INSTANCE": "b"}).start()
    try:
        r = _serve(home, "--redis", redis_server.url, HOTLINE_HUB_INSTANCE="a")
        _one_line(r, "instance 'a' is already running", f"pid={a.proc.pid}")  # type: ignore[union-attr]
        # nor may a hub with the embedded Redis start beside them
        _one_line(_serve(home), "another hub is running")
    finally:
        a.stop()
        b.stop()
