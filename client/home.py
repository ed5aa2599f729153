"""A home directory: hotline.toml, the roster chain, device keys (0600), the hub's files."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotline.protocol import (
    EncryptionPrivateKey,
    ProtocolError,
    Roster,
    SigningKey,
    seed_length,
    verify_transition,
)
from hotline.protocol.keys import Suite

__all__ = ["Device", "Home", "HomeError", "write_secret"]


class HomeError(ProtocolError):
    """The home directory is missing something; the message says what to run."""

    code = "home_error"


def write_secret(path: Path, data: bytes) -> None:
    """Write a private key with mode 0600 from the first byte on (no umask window)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)


def read_secret(path: Path) -> bytes:
    if not path.exists():
        raise HomeError(f"{path} is missing: run `hotline keys new` or `hotline init`")
    if path.stat().st_mode & 0o077:
        raise HomeError(f"{path} is readable by others: run `chmod 600 {path}`")
    return path.read_bytes()


@dataclass
class Device:
    """One device's private keys and where its local store lives."""

    id: str
    role: str
    sign: SigningKey
    enc: EncryptionPrivateKey | None
    directory: Path

    @property
    def party(self) -> str:
        return self.id.partition("/")[0]

    @classmethod
    def generate(cls, directory: Path, device_id: str, role: str, suite: Suite) -> Device:
        sign = SigningKey(os.urandom(32))
        enc = None if role == "hub" else EncryptionPrivateKey(suite, os.urandom(seed_length(suite)))
        dev = cls(device_id, role, sign, enc, directory)
        dev.save()
        return dev

    def save(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        write_secret(self.directory / "sign.key", self.sign.seed)
        meta: dict[str, Any] = {
            "id": self.id,
            "role": self.role,
            "sign_public": self.sign.verify_key.raw.hex(),
        }
        if self.enc:
            write_secret(self.directory / "enc.key", self.enc.raw)
            meta |= {"suite": self.enc.suite, "enc_public": self.enc.public.raw.hex()}
        (self.directory / "device.json").write_text(json.dumps(meta, indent=1) + "\n")

    @classmethod
    def load(cls, directory: Path) -> Device:
        meta_path = directory / "device.json"
        if not meta_path.exists():
            raise HomeError(f"no device in {directory}: check --as, or run `hotline keys new`")
        meta = json.loads(meta_path.read_text())
        sign = SigningKey(read_secret(directory / "sign.key"))
        enc = None
        if meta.get("suite"):
            enc = EncryptionPrivateKey(meta["suite"], read_secret(directory / "enc.key"))
        return cls(meta["id"], meta["role"], sign, enc, directory)


class Home:
    """``DIR`` as made by ``hotline init`` (or assembled by the roster ceremony)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        cfg = self.root / "hotline.toml"
        if not cfg.exists():
            raise HomeError(f"{cfg} not found: run `hotline init {root}` first, or pass --home")
        try:
            self.config: dict[str, Any] = tomllib.loads(cfg.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise HomeError(f"{cfg} is not valid TOML: {exc}") from exc
        self.network: dict[str, Any] = self.config.get("network", {})

    @property
    def hub_url(self) -> str:
        url = self.network.get("hub_url")
        if not url:
            raise HomeError("hotline.toml has no [network] hub_url: add it or pass --hub")
        return str(url)

    @property
    def ca_cert(self) -> Path | None:
        ca = self.network.get("ca_cert")
        return self.path(ca) if ca else None

    @property
    def suite(self) -> Suite:
        return "classic" if self.network.get("suite") == "classic" else "pq"

    @property
    def policies(self) -> list[str]:
        return list(self.network.get("policies", ["regional-2026", "vienna-2011"]))

    def path(self, rel: str) -> Path:
        p = Path(rel)
        return p if p.is_absolute() else self.root / p

    def device_dir(self, device_id: str) -> Path:
        party, _, name = device_id.partition("/")
        return self.root / "devices" / party / name

    def resolve_device(self, spec: str) -> str:
        """``RS`` → ``RS/officer-1``; ``AUDIT`` → its one device; ``RS/feed-1`` stays."""
        if "/" in spec:
            return spec
        party = self.root / "devices" / spec
        found = sorted(p.name for p in party.iterdir() if p.is_dir()) if party.is_dir() else []
        officers = [n for n in found if n.startswith("officer-")]
        if officers:
            return f"{spec}/{officers[0]}"
        if len(found) == 1:  # a party with one device of another role (the auditor)
            return f"{spec}/{found[0]}"
        raise HomeError(
            f"no officer device for party {spec!r} in {self.root}: "
            "check --as (e.g. --as RS, --as AUDIT or --as RS/feed-1)"
        )

    def device(self, spec: str) -> Device:
        return Device.load(self.device_dir(self.resolve_device(spec)))

    def rosters(self) -> list[Roster]:
        files = sorted((self.root / "roster").glob("roster-*.bin"))
        if not files:
            raise HomeError(
                f"no roster in {self.root / 'roster'}: run `hotline init` or the roster ceremony"
            )
        return [Roster.decode(f.read_bytes()) for f in files]

    def roster(self, now_ms: int) -> Roster:
        """The newest roster after verifying the whole chain from genesis."""
        chain = self.rosters()
        prev = None
        for r in chain:
            verify_transition(prev, r, r.issued_ms if r is not chain[-1] else now_ms)
            prev = r
        assert prev is not None
        return prev

    def save_roster(self, roster: Roster) -> Path:
        d = self.root / "roster"
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"roster-{roster.version:04d}.bin"
        path.write_bytes(roster.encode())
        return path
