"""One hub per home: ``flock`` locks on the home and on Redis's data directory.

- ``HOME/hub/hub.lock``: a hub with the embedded Redis holds it exclusively (it owns
  the data directory); hubs on an external Redis hold it shared — several replicas may
  serve one network from one home — so neither kind starts beside the other.
- ``HOME/hub/journal/<instance>.lock``: exclusive per instance name; an instance owns
  its accept journal and its leases, so two hubs must never share a name.
- The data directory's ``redis.lock`` is taken by ``RedisProcess`` and inherited by
  the redis-server child: it stays held while that server runs, even if its hub died.

Each holder writes one line ``pid=… listen=… instance=…`` so a refused start can name
the running process. ``flock`` locks vanish with their process: nothing goes stale.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from .config import ConfigError

__all__ = ["FileLock", "HubLock", "LockBusy", "holders"]


class LockBusy(ConfigError):
    """Another process holds the lock; the message names it and the fix."""


class FileLock:
    """A non-blocking ``flock`` on ``path`` (created 0600 in a 0700 directory)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    def acquire(self, *, shared: bool = False) -> bool:
        """Take it now or return False; OSError if the file cannot be opened at all."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        if not shared:  # we alone hold it: earlier holders' lines are history
            os.ftruncate(fd, 0)
        return True

    def note(self, line: str) -> None:
        if self.fd is not None:
            os.write(self.fd, (line.rstrip("\n") + "\n").encode())

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holders(path: Path) -> list[str]:
    """The lines of holders that are still running (``pid=N …``)."""
    with contextlib.suppress(OSError):
        out = []
        for line in path.read_text(errors="replace").splitlines():
            pid = line.partition("pid=")[2].split(" ")[0]
            if pid.isdigit() and _alive(int(pid)):
                out.append(line.strip())
        return out
    return []


class HubLock:
    """The locks of one running hub (see the module docstring)."""

    def __init__(self, home_lock: FileLock, instance_lock: FileLock) -> None:
        self.home_lock, self.instance_lock = home_lock, instance_lock

    @classmethod
    def acquire(cls, home: Path, instance: str, *, embedded: bool, listen: str) -> HubLock:
        """Take both locks or raise LockBusy / ConfigError with one line and the fix."""
        line = f"pid={os.getpid()} listen={listen} instance={instance}"
        home_lock = FileLock(home / "hub" / "hub.lock")
        try:
            if not home_lock.acquire(shared=not embedded):
                raise LockBusy(_busy_home(home, embedded))
        except OSError as exc:
            raise ConfigError(
                f"cannot use the hub's home {home}: {(exc.strerror or str(exc)).lower()}: "
                "run the hub as the home's owner, or fix its permissions"
            ) from exc
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in instance)
        inst = FileLock(home / "hub" / "journal" / f"{safe}.lock")
        if not inst.acquire():
            home_lock.release()
            who = "; ".join(holders(inst.path)) or "another process"
            raise LockBusy(
                f"hub instance {instance!r} is already running on {home} ({who}): "
                "give this one another instance name (HOTLINE_HUB_INSTANCE)"
            )
        home_lock.note(line)
        inst.note(line)
        return cls(home_lock, inst)

    def release(self) -> None:
        self.instance_lock.release()
        self.home_lock.release()


def _busy_home(home: Path, embedded: bool) -> str:
    who = "; ".join(holders(home / "hub" / "hub.lock")) or "another process"
    if embedded:
        return (
            f"another hub is running on {home} ({who}): stop it first, or use another "
            "--home (a hub with the embedded Redis needs the home to itself)"
        )
    return (
        f"a hub with the embedded Redis is running on {home} ({who}): stop it first, "
        "or point both at the same external Redis"
    )
