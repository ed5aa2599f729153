"""Running the hub: every start-up failure is one line with its fix (issue 16 §9)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from hotline.server.redis_process import RedisProcess, free_port
from tests.server.helpers import one_line, serve

pytestmark = pytest.mark.slow


def test_a_bad_redis_url_is_one_line(home: Path) -> None:
    one_line(serve(home, "--redis", "localhost:6379"), "redis URL scheme", "redis://")
    one_line(serve(home, "--redis", "redis://127.0.0.1:port/0"), "redis URL is not valid")
    one_line(serve(home, "--redis", "redis://127.0.0.1:6379/zero"), "is not a number")
    down = f"redis://:secret-pw@127.0.0.1:{free_port()}/0"
    line = one_line(serve(home, "--redis", down), "cannot reach Redis", "fix redis_url")
    assert "secret-pw" not in line  # the password is never printed


def test_a_port_in_use_is_one_line(home: Path, redis_server: RedisProcess) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        one_line(
            serve(home, "--port", str(port), "--redis", redis_server.url),
            f"cannot listen for the hub on 127.0.0.1:{port}",
            "choose another --port",
        )
        one_line(
            serve(home, "--redis", redis_server.url, HOTLINE_HUB_METRICS_PORT=str(port)),
            "cannot listen for metrics",
            "metrics_port",
        )


def test_an_unusable_home_is_one_line(home: Path, tmp_path: Path) -> None:
    one_line(serve(tmp_path / "nowhere"), "is not a hub home", "hotline init")
    (home / "hub" / "hub.lock").mkdir()  # as unusable as an unreadable one, even for root
    one_line(serve(home), "cannot use the hub's home", "permissions")
