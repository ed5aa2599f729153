"""Hub processes on loopback for a scenario, and emptying inboxes between scenarios."""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotline.client.init import init_network
from hotline.server.redis_process import free_port

from .common import PARTIES, PY, TAKING_PART

__all__ = ["Net", "reset_inboxes"]


class Net:
    """A network home (made once per run) and `hubs` hub processes on one Redis.

    `tls=False` runs the hubs on plain ws, as behind a TLS-ending proxy
    (deploy/compose.yaml); `preexec` runs in each hub child before exec (pinning).
    """

    def __init__(
        self,
        tmp: Path,
        redis_url: str,
        hubs: int = 1,
        cluster: bool = False,
        *,
        tls: bool = True,
        preexec: Callable[[int], None] | None = None,
        env: dict[str, str] | None = None,
        home: Path | None = None,
    ) -> None:
        self.tmp = tmp
        self.home = home or tmp / "home"
        if not self.home.exists():
            init_network(self.home, PARTIES, suite="pq", port=free_port())
        self.redis_url = redis_url
        self.cluster = cluster
        self.tls = tls
        self.hubs: list[tuple[subprocess.Popen[bytes], int]] = []
        for i in range(hubs):
            self.hubs.append(self._start(i, preexec, env or {}))
        for _proc, port in self.hubs:
            self._wait(port)

    def _start(
        self, i: int, preexec: Callable[[int], None] | None, extra_env: dict[str, str]
    ) -> tuple[subprocess.Popen[bytes], int]:
        port = free_port()
        env = {
            **os.environ,
            "HOTLINE_HUB_INSTANCE": f"bench-{i}",
            "HOTLINE_HUB_METRICS_PORT": "0",  # several hubs on one box: no /metrics listener
            "HOTLINE_HUB_REDIS_CLUSTER": "true" if self.cluster else "false",
            # every load generator connects from 127.0.0.1: the per-address caps that stop
            # one stranger would stop the bench (bench/attacks.py sets its own)
            "HOTLINE_HUB_CONNECTIONS_PER_ADDRESS": "1000000",
            "HOTLINE_HUB_CONNECTION_BURST_PER_ADDRESS": "1000000",
            "HOTLINE_HUB_PREAUTH_SOCKETS_PER_ADDRESS": "1000000",
            "HOTLINE_HUB_PREAUTH_SOCKETS_TOTAL": "1000000",
            **extra_env,
        }
        if not self.tls:  # an empty cert and key: plain ws, allowed on loopback
            env |= {"HOTLINE_HUB_TLS_CERT": "", "HOTLINE_HUB_TLS_KEY": ""}
        cmd = [PY, "-m", "hotline.server", "--home", str(self.home), "--port", str(port)]
        proc = subprocess.Popen(
            [*cmd, "--redis", self.redis_url],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / f"hub-{i}.log", "wb"),  # noqa: SIM115
            start_new_session=True,
            preexec_fn=(lambda: preexec(i)) if preexec else None,
        )
        return proc, port

    def _wait(self, port: int) -> None:
        scheme = "https" if self.tls else "http"
        ctx = ssl.create_default_context(cafile=str(self.home / "hub" / "tls.crt"))
        for _ in range(600):
            try:
                kw: dict[str, Any] = {"context": ctx} if self.tls else {}
                with urllib.request.urlopen(f"{scheme}://127.0.0.1:{port}/readyz", timeout=1, **kw):
                    return
            except OSError:
                time.sleep(0.05)  # polling readiness of a process we started
        raise RuntimeError(f"hub did not start: see {self.tmp}/hub-*.log")

    def url(self, i: int = 0) -> str:
        scheme = "wss" if self.tls else "ws"
        return f"{scheme}://127.0.0.1:{self.hubs[i % len(self.hubs)][1]}/v1/ws"

    def pids(self) -> list[int]:
        return [proc.pid for proc, _ in self.hubs]

    def stop(self) -> None:
        for proc, _ in self.hubs:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(20)


def reset_inboxes(redis_url: str, cluster: bool = False) -> int:
    """Empty every inbox before a scenario; returns the entries the last one left unread.

    Why: the same devices take part in every scenario, and a saturation run leaves a
    backlog behind (accepted faster than delivered). Without this, the next scenario's
    latencies would measure the previous scenario's backlog, not its own load.
    """
    import redis

    from hotline.server.streams import LANES, inbox_key

    r: Any = redis.RedisCluster.from_url(redis_url) if cluster else redis.Redis.from_url(redis_url)
    left = 0
    try:
        for p in PARTIES:
            for lane in LANES:
                key = inbox_key(p, lane)
                if not r.exists(key):
                    continue
                for g in r.xinfo_groups(key):
                    if g["name"].decode() in TAKING_PART:
                        left += int(g.get("pending", 0)) + int(g.get("lag") or 0)
                    # drop the group's pending list and move it to the end
                    r.xgroup_destroy(key, g["name"])
                    r.xgroup_create(key, g["name"], id="$")
                r.xtrim(key, maxlen=0, approximate=False)
    finally:
        r.close()
    return left
