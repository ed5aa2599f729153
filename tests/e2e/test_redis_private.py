"""The hub's embedded Redis is private, as the hub runs it (issue 15 item 10).

tests/server/test_redis_process.py checks RedisProcess on its own (password kept 0600,
not on the command line, same password after a restart, old files made private); this
is the hub's own embedded server, in the hub's home, serving real traffic: a process on
the box without the password can neither read nor forge, the server listens on loopback
only with protected mode on, and every file it writes is 0600 in a 0700 folder.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import redis

from hotline.server import appkeys
from hotline.server.streams import LOG

from .scene import open_scene


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


async def test_the_embedded_redis_admits_only_the_hub(net: Path) -> None:
    async with open_scene(net, "", online=("HR", "RS")) as s:  # "": the embedded server
        mid = await s.send("RS", "HR")
        await s.shown("HR", mid)
        url = s.hub.app[appkeys.REDIS_URL]
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        stranger = redis.Redis(host="127.0.0.1", port=port, protocol=2)
        with pytest.raises(redis.AuthenticationError):
            stranger.xadd(LOG, {"t": "accepted", "e": b"forged"})
        stranger.close()
        conf = await s.hub.redis.config_get("*")
        assert conf["protected-mode"] == "yes" and conf["bind"] == "127.0.0.1", conf
        assert len(conf["requirepass"]) >= 32  # a random password, not a default
        d = s.home / "hub" / "redis"
        assert _mode(d) == 0o700
        files = [p for p in d.rglob("*") if p.is_file()]
        assert any("appendonly" in p.name or p.suffix == ".aof" for p in files)
        assert {p.name: oct(_mode(p)) for p in files if _mode(p) != 0o600} == {}
