"""Generate deploy/hotline.env.example from the Settings dataclass (every setting listed)."""

from __future__ import annotations

import dataclasses
import sys

from .config import Settings

__all__ = ["render"]

HELP = {
    "host": "address to listen on (plain ws only on loopback unless allow_plain)",
    "port": "port for websocket + REST",
    "metrics_host": "address of the Prometheus /metrics listener (per-party figures: keep private)",
    "metrics_port": "port of the /metrics listener; 0 turns it off",
    "device": "the hub's device id in the roster",
    "key_file": "the hub's Ed25519 signing seed (0600), relative to the home",
    "tls_cert": "PEM certificate (empty: no TLS; needs allow_plain off loopback)",
    "tls_key": "PEM private key (0600)",
    "allow_plain": "allow ws:// on a non-loopback address (a proxy terminates TLS)",
    "redis_url": "redis:// URL; empty starts an embedded redis-server (AOF always)",
    "redis_cluster": "the URL points at a Redis Cluster node",
    "redis_max_connections": "Redis connections per hub; commands wait for a free one",
    "allow_unsafe_redis": "run even if Redis has appendonly no / appendfsync no (DANGER)",
    "roster_dir": "folder of roster-NNNN.bin files, relative to the home",
    "heartbeat_s": "websocket ping interval; a silent peer is dropped after half of it more",
    "header_timeout_s": "a request head must be complete this long after the connection opened "
    "or its last answer (bytes do not extend it); also the idle keep-alive limit",
    "body_timeout_s": "a REST body must arrive within this (408 request_timeout, closed)",
    "preauth_sockets_per_address": "websockets not yet authenticated from one address (429 beyond)",
    "preauth_sockets_total": "websockets not yet authenticated in all (429 beyond)",
    "connections_per_address": "open connections of any kind from one address (closed beyond)",
    "connection_rate_per_address": "new connections a second from one address, on average",
    "connection_burst_per_address": "new connections one address may open at once",
    "access_log": "log a line per HTTP request; off by default: a stranger's refused requests "
    "would flood the log (the metrics count them)",
    "drain_s": "after a device closes, at most this long to finish the frames it sent before",
    "send_queue": "per-connection window: unacknowledged deliveries in flight",
    "redeliver_idle_ms": "redeliver entries unacknowledged for this long (XAUTOCLAIM)",
    "max_deliveries": "after this many deliveries an entry goes to the dead-letter stream",
    "retention_days": "inbox entries older than this may be trimmed (never unacked ones)",
    "max_future_skew_ms": "created_at may be at most this far ahead of the hub clock",
    "max_age_ms": "and at most this old (the dedupe window)",
    "checkpoint_interval_s": "sign a checkpoint at most this long after an entry is logged "
    "(devices send their 'delivered' receipt once a checkpoint proves the entry)",
    "checkpoint_every": "and after this many new log entries",
    "router_lease_ms": "routing / signing lease; a dead hub's lease expires after this",
    "poll_interval_s": "delivery pumps look at Redis at least this often",
    "retention_interval_s": "how often the retention task runs",
    "task_restart_s": "a crashed background task restarts after this (doubling up to 30 s)",
    "task_crash_hold_s": "/healthz reports a task crash (503) for this long after it",
    "instance": "a stable name for this replica (lease owner); default random",
}


def render() -> str:
    lines = [
        "# Every hub setting, with its default. Environment variables override the",
        "# [hub] table of HOME/hotline.toml; `hotline serve` flags override both.",
        "",
    ]
    for f in dataclasses.fields(Settings):
        if f.name == "home":
            continue
        default = f.default if f.default is not dataclasses.MISSING else ""
        if isinstance(default, bool):
            default = str(default).lower()
        lines.append(f"# {HELP.get(f.name, f.name)}")
        lines.append(f"HOTLINE_HUB_{f.name.upper()}={default}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
