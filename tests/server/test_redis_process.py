"""The embedded redis-server is private: a password, loopback, protected mode, 0600 files."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import redis

from hotline.server.redis_process import DataDirBusy, RedisProcess


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_the_server_is_private(tmp_path: Path) -> None:
    proc = RedisProcess(tmp_path / "r").start()
    try:
        c = redis.Redis.from_url(proc.url, protocol=2, decode_responses=True)
        c.set("hl:probe", "1")  # the URL carries the password
        conf = c.config_get("*")
        assert conf["protected-mode"] == "yes" and conf["bind"] == "127.0.0.1"
        c.close()
        stranger = redis.Redis(host="127.0.0.1", port=proc.port, protocol=2)
        with pytest.raises(redis.AuthenticationError):
            stranger.get("hl:probe")
        stranger.close()
        assert proc.password.encode() not in Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        d = proc.directory
        assert _mode(d) == 0o700
        assert _mode(d / "redis.password") == 0o600 and _mode(d / "redis.conf") == 0o600
        files = [p for p in d.rglob("*") if p.is_file()]
        assert any(p.suffix == ".aof" or "appendonly" in p.name for p in files)
        assert {p.name: _mode(p) for p in files if _mode(p) != 0o600} == {}
    finally:
        proc.stop()
    # the same password after a restart (the hub keeps its URL)
    again = RedisProcess(tmp_path / "r").start()
    try:
        assert again.password == proc.password
    finally:
        again.stop()


def test_files_from_before_are_made_private(tmp_path: Path) -> None:
    d = tmp_path / "r"
    d.mkdir(mode=0o755)
    (d / "old.aof").write_bytes(b"")
    (d / "old.aof").chmod(0o644)
    proc = RedisProcess(d).start()
    try:
        assert _mode(d) == 0o700 and _mode(d / "old.aof") == 0o600
    finally:
        proc.stop()


def test_one_server_per_data_directory(tmp_path: Path) -> None:
    first = RedisProcess(tmp_path / "r").start()
    try:
        with pytest.raises(DataDirBusy) as info:
            RedisProcess(tmp_path / "r").start()
        assert info.value.pid == first.pid and f"pid={first.pid}" in str(info.value)
        first.kill()  # the directory stays with the object that will restart it
        with pytest.raises(DataDirBusy):
            RedisProcess(tmp_path / "r").start()
        first.restart()
    finally:
        first.stop()
    RedisProcess(tmp_path / "r").start().stop()  # released by stop()
