"""A local 3-node Redis Cluster (plus, optionally, hubs) from real binaries on loopback.

Used by the tests to exercise the scale-out path, and by ``deploy/local-cluster.sh``.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import redis

from .redis_process import RedisProcess, RedisStartError, free_port
from .streams import redact

__all__ = ["LocalCluster"]

SLOTS = 16384


class LocalCluster:
    """Three primaries, slots split evenly, AOF always on each."""

    def __init__(self, directory: Path, nodes: int = 3) -> None:
        self.directory = Path(directory)
        # one password for every node: a cluster client uses the same one everywhere
        self.password = secrets.token_urlsafe(32)
        self.nodes = [
            RedisProcess(
                self.directory / f"node{i}",
                extra=[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "2000",
                ],
                password=self.password,
                # a node's bus listens on its port + 10000, which must be a port too
                port=free_port(below=65536 - 10000),
            )
            for i in range(nodes)
        ]

    @property
    def url(self) -> str:
        return self.nodes[0].url

    def start(self, timeout: float = 30) -> LocalCluster:
        for n in self.nodes:
            n.start()
        clients = [
            redis.Redis(host="127.0.0.1", port=n.port, password=self.password, protocol=2)
            for n in self.nodes
        ]
        try:
            per = SLOTS // len(self.nodes)
            for i, c in enumerate(clients):
                lo = i * per
                hi = SLOTS if i == len(self.nodes) - 1 else (i + 1) * per
                c.execute_command("CLUSTER", "ADDSLOTS", *range(lo, hi))
            for n in self.nodes[1:]:
                clients[0].execute_command("CLUSTER", "MEET", "127.0.0.1", n.port)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                infos = [c.execute_command("CLUSTER", "INFO") for c in clients]
                text = [i.decode() if isinstance(i, bytes) else str(i) for i in infos]
                if all(
                    "cluster_state:ok" in t and f"cluster_known_nodes:{len(clients)}" in t
                    for t in text
                ):
                    return self
                time.sleep(0.05)  # polling the cluster's own convergence, with a deadline
            raise RedisStartError("the local cluster did not reach cluster_state:ok")
        finally:
            for c in clients:
                c.close()

    def stop(self) -> None:
        for n in self.nodes:
            n.stop()

    def __enter__(self) -> LocalCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _start_hubs(home: Path, url: str, count: int, port: int) -> list[subprocess.Popen[bytes]]:
    hubs = []
    for i in range(count):
        argv = [sys.executable, "-m", "hotline.server", "--home", str(home)]
        argv += ["--port", str(port + i), "--redis", url]
        env = {
            "HOTLINE_HUB_REDIS_CLUSTER": "true",
            "HOTLINE_HUB_INSTANCE": f"hub-{i}",
            "HOTLINE_HUB_METRICS_PORT": str(9464 + i),
            **os.environ,
        }
        hubs.append(subprocess.Popen(argv, env=env))
        print(f"hub {i} on port {port + i}", flush=True)
    return hubs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Run a local 3-node Redis Cluster (and hubs).")
    p.add_argument("--dir", type=Path, required=True, help="where the nodes keep their data")
    p.add_argument("--home", type=Path, help="a `hotline init` home: also start hubs on it")
    p.add_argument("--hubs", type=int, default=2)
    p.add_argument("--port", type=int, default=8443, help="first hub port")
    a = p.parse_args(argv)
    cluster = LocalCluster(a.dir).start()
    print(f"redis cluster up: {', '.join(redact(n.url) for n in cluster.nodes)}", flush=True)
    hubs = _start_hubs(a.home, cluster.url, a.hubs, a.port) if a.home else []
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        for h in hubs:
            h.terminate()
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
