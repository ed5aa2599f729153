"""``hotline init | keys new | roster propose | sign | verify | show | install``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from hotline.protocol import (
    Roster,
    RosterDevice,
    RosterParty,
    verify_transition,
)
from hotline.runtime.clock import now_ms

from .cli_common import EXIT, CliError, emit
from .home import Device, Home, HomeError
from .init import PARTY_NAMES, init_network, roster_json

__all__ = [
    "cmd_init",
    "cmd_keys_new",
    "cmd_roster_install",
    "cmd_roster_propose",
    "cmd_roster_show",
    "cmd_roster_sign",
    "cmd_roster_verify",
]


def cmd_init(a: argparse.Namespace) -> int:
    parties = [p for p in a.parties.split(",") if p.strip()]
    roster = init_network(a.dir, parties, a.quorum, a.suite, a.port)
    emit(
        {
            "home": str(Path(a.dir).resolve()),
            "parties": parties,
            "quorum": roster.quorum,
            "suite": a.suite,
            "roster_version": roster.version,
            "hub_url": f"wss://127.0.0.1:{a.port}/v1/ws",
        }
    )
    return EXIT["ok"]


def cmd_keys_new(a: argparse.Namespace) -> int:
    """Keys for one device in this ministry's own home; prints the public entry to share."""
    home = Path(a.home)
    party, _, name = a.device.partition("/")
    directory = home / "devices" / party / name
    if (directory / "device.json").exists():
        raise CliError(
            f"{a.device} already has keys in {directory}: choose another name", EXIT["usage"]
        )
    dev = Device.generate(directory, a.device, a.role, a.suite)
    fams = [f for f in a.families.split(",") if f]
    entry = {
        "id": dev.id,
        "role": dev.role,
        "sign_key": dev.sign.verify_key.raw.hex(),
        "enc_suite": dev.enc.suite if dev.enc else None,
        "enc_key": dev.enc.public.raw.hex() if dev.enc else None,
        "families": fams,
    }
    out = directory / "entry.json"
    out.write_text(json.dumps(entry, indent=1) + "\n")
    emit({"device": dev.id, "entry": str(out)})
    return EXIT["ok"]


def _entry(path: Path) -> RosterDevice:
    try:
        e = json.loads(path.read_text())
        return RosterDevice(
            e["id"],
            e["role"],
            bytes.fromhex(e["sign_key"]),
            e.get("enc_suite"),
            bytes.fromhex(e["enc_key"]) if e.get("enc_key") else None,
            tuple(e.get("families", ())),
        )
    except (OSError, ValueError, KeyError) as exc:
        raise CliError(
            f"{path}: not a device entry from `hotline keys new` ({exc})", EXIT["usage"]
        ) from exc


def _read_roster(path: Path) -> Roster:
    try:
        return Roster.decode(path.read_bytes())
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}", EXIT["usage"]) from exc


def cmd_roster_propose(a: argparse.Namespace) -> int:
    entries = tuple(_entry(p) for p in a.entries)
    parties = []
    for item in a.parties.split(","):
        code, _, name = item.partition("=")
        parties.append(RosterParty(code.strip(), name.strip() or PARTY_NAMES.get(code, code)))
    extra = sorted({d.party for d in entries} - {p.code for p in parties})
    for code in extra:  # hub, auditors: non-voting
        kind = "commission" if code == "HUB" else "observer"
        parties.append(RosterParty(code, code, kind))
    prev = _read_roster(a.prev) if a.prev else None
    roster = Roster(
        prev.version + 1 if prev else 1,
        prev.hash() if prev else b"",
        now_ms(),
        0,
        a.quorum,
        tuple(parties),
        entries,
        a.auditor_copies,
    )
    a.out.write_bytes(roster.encode())
    emit(
        {
            "proposed": str(a.out),
            "version": roster.version,
            "hash": roster.hash().hex(),
            "quorum": roster.quorum,
        }
    )
    return EXIT["ok"]


def cmd_roster_sign(a: argparse.Namespace) -> int:
    home_root = Path(a.home)
    party, _, name = a.as_.partition("/")
    directory = home_root / "devices" / party / (name or "officer-1")
    dev = Device.load(directory)
    if dev.role != "officer":
        raise HomeError(f"{dev.id} is a {dev.role}: only an officer signs for the party")
    roster = _read_roster(a.roster).signed_by(dev.id, dev.sign)
    a.roster.write_bytes(roster.encode())
    emit(
        {
            "signed": str(a.roster),
            "by": dev.id,
            "hash": roster.hash().hex(),
            "signatures": [s[0] for s in roster.signatures],
        }
    )
    return EXIT["ok"]


def cmd_roster_verify(a: argparse.Namespace) -> int:
    chain = [_read_roster(p) for p in a.prev] + [_read_roster(a.roster)]
    prev = None
    for r in chain:
        verify_transition(prev, r, now_ms())
        prev = r
    emit(
        {
            "valid": True,
            "version": chain[-1].version,
            "hash": chain[-1].hash().hex(),
            "signatures": [s[0] for s in chain[-1].signatures],
        }
    )
    return EXIT["ok"]


def cmd_roster_show(a: argparse.Namespace) -> int:
    print(roster_json(_read_roster(a.roster)), end="")
    return EXIT["ok"]


def cmd_roster_install(a: argparse.Namespace) -> int:
    roster = _read_roster(a.roster)
    root = Path(a.home)
    existing = sorted((root / "roster").glob("roster-*.bin"))
    prev = Roster.decode(existing[-1].read_bytes()) if existing else None
    verify_transition(prev, roster, now_ms())
    (root / "roster").mkdir(parents=True, exist_ok=True)
    if (root / "hotline.toml").exists():
        path = Home(root).save_roster(roster)
    else:
        path = root / "roster" / f"roster-{roster.version:04d}.bin"
        path.write_bytes(roster.encode())
    emit({"installed": str(path), "version": roster.version})
    return EXIT["ok"]
