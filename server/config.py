"""Hub settings: the ``[hub]`` table of ``hotline.toml`` plus ``HOTLINE_HUB_*`` overrides."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from hotline.protocol import ProtocolError

__all__ = ["ConfigError", "Settings"]


class ConfigError(ProtocolError):
    """A setting is missing or wrong; the message names it and the fix."""

    code = "config_error"


@dataclass(frozen=True)
class Settings:
    """Everything the hub needs; paths relative to ``home``. See deploy/hotline.env.example."""

    home: Path
    host: str = "127.0.0.1"
    port: int = 8443
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9464
    device: str = "HUB/hub-1"
    key_file: str = "hub/hub.sign"
    tls_cert: str = ""
    tls_key: str = ""
    allow_plain: bool = False
    redis_url: str = ""  # empty: start and own a private redis-server
    redis_cluster: bool = False
    redis_max_connections: int = 256
    allow_unsafe_redis: bool = False
    roster_dir: str = "roster"
    heartbeat_s: float = 15.0
    # hostile input (issue 16): a request head must be complete this long after the
    # connection opened or its last answer; a body must arrive within body_timeout_s
    header_timeout_s: float = 10.0
    body_timeout_s: float = 10.0
    # websockets not yet authenticated, per source address and in all (429 beyond)
    preauth_sockets_per_address: int = 64
    preauth_sockets_total: int = 1024
    # open connections of any kind from one address (closed unanswered beyond), and how
    # fast one address may open new ones (a token bucket: this many a second, this burst)
    connections_per_address: int = 256
    connection_rate_per_address: float = 20.0
    connection_burst_per_address: int = 64
    access_log: bool = False  # a line per HTTP request (aiohttp.access)
    drain_s: float = 5.0
    send_queue: int = 256
    redeliver_idle_ms: int = 30_000
    max_deliveries: int = 10
    retention_days: float = 30.0
    max_future_skew_ms: int = 120_000
    max_age_ms: int = 7 * 86_400_000
    checkpoint_interval_s: float = 0.5
    checkpoint_every: int = 64
    router_lease_ms: int = 5_000
    poll_interval_s: float = 10.0
    retention_interval_s: float = 300.0
    task_restart_s: float = 0.5
    task_crash_hold_s: float = 60.0
    instance: str = field(default="")

    ENV_PREFIX: ClassVar[str] = "HOTLINE_HUB_"

    def with_instance(self, instance: str) -> Settings:
        return dataclasses.replace(self, instance=instance)

    def path(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else self.home / p

    @property
    def tls(self) -> bool:
        return bool(self.tls_cert and self.tls_key)

    @classmethod
    def load(
        cls,
        home: Path,
        overrides: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Read ``home/hotline.toml`` [hub], then environment, then explicit overrides."""
        home = Path(home).resolve()
        values: dict[str, Any] = {}
        cfg = home / "hotline.toml"
        if cfg.exists():
            try:
                values.update(tomllib.loads(cfg.read_text("utf-8")).get("hub", {}))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{cfg}: not valid TOML ({exc}); fix the file") from exc
            except OSError as exc:
                raise ConfigError(
                    f"cannot read {cfg}: {(exc.strerror or str(exc)).lower()}: run the hub "
                    "as the home's owner, or fix its permissions"
                ) from exc
        env = os.environ if env is None else env
        names = {f.name: f for f in dataclasses.fields(cls) if f.name != "home"}
        for name in names:
            key = cls.ENV_PREFIX + name.upper()
            if key in env:
                values[name] = env[key]
        values.update({k: v for k, v in (overrides or {}).items() if v is not None})
        unknown = set(values) - set(names)
        if unknown:
            raise ConfigError(
                f"unknown hub setting(s) {sorted(unknown)}: remove them from "
                f"{cfg.name} or the environment"
            )
        clean = {k: _coerce(k, names[k].type, v) for k, v in values.items()}
        s = cls(home=home, **clean)
        s.validate()
        return s

    def validate(self) -> None:
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} is out of range: use 1-65535")
        if not 0 <= self.metrics_port <= 65535:
            raise ConfigError(
                f"metrics_port {self.metrics_port} is out of range: use 1-65535, or 0 for none"
            )
        if self.redis_url:
            _check_redis_url(self.redis_url)
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ConfigError("tls_cert and tls_key go together: set both or neither")
        for rel in (self.tls_cert, self.tls_key, self.key_file):
            if rel and not self.path(rel).exists():
                raise ConfigError(
                    f"{self.path(rel)} does not exist: run `hotline init` or fix "
                    "the path in hotline.toml"
                )
        if not self.tls and not self.allow_plain and not _loopback(self.host):
            raise ConfigError(
                f"plain ws on {self.host} is not allowed: configure tls_cert and "
                "tls_key, or set allow_plain = true if a proxy terminates TLS"
            )
        if self.send_queue < 1 or self.max_deliveries < 1 or self.heartbeat_s <= 0:
            raise ConfigError("send_queue, max_deliveries and heartbeat_s must be positive")
        if self.header_timeout_s <= 0 or self.body_timeout_s <= 0:
            raise ConfigError("header_timeout_s and body_timeout_s must be positive")
        if (
            self.connections_per_address < 1
            or self.connection_rate_per_address <= 0
            or self.connection_burst_per_address < 1
        ):
            raise ConfigError(
                "connections_per_address, connection_rate_per_address and "
                "connection_burst_per_address must be positive"
            )
        if self.preauth_sockets_per_address < 1 or self.preauth_sockets_total < 1:
            raise ConfigError(
                "preauth_sockets_per_address and preauth_sockets_total must be at least 1"
            )
        if self.redis_max_connections < 4:
            # the router and the notifier each hold one in a blocking read
            raise ConfigError("redis_max_connections must be at least 4")


def _check_redis_url(url: str) -> None:
    """A one-line refusal of a URL redis-py could not use (it raises deep inside)."""
    fix = "use redis://[user:password@]host:port/db, rediss://… or unix:///path"
    try:
        parts = urlsplit(url)
        port = parts.port  # ValueError for a port that is not a number in range
    except ValueError as exc:
        raise ConfigError(f"redis URL is not valid ({exc}): {fix}") from exc
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(f"redis URL scheme {parts.scheme or '(none)'!r} is not known: {fix}")
    if parts.scheme != "unix" and not parts.hostname:
        raise ConfigError(f"redis URL names no host: {fix}")
    db = parts.path.lstrip("/")
    if parts.scheme != "unix" and db and not db.isdigit():
        raise ConfigError(f"redis URL database {db!r} is not a number: {fix}")
    del port


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _coerce(name: str, typ: Any, value: Any) -> Any:
    t = typ if isinstance(typ, str) else getattr(typ, "__name__", str(typ))
    try:
        if t == "bool":
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("1", "true", "yes", "on"):
                return True
            if str(value).lower() in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(value)
        if t == "int":
            return int(value)
        if t == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}: {value!r} is not a valid {t}") from exc
