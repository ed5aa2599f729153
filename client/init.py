"""``hotline init``: a complete local network in one folder, for demos, tests and trying it out."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import time
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hotline.protocol import Roster, RosterDevice, RosterParty
from hotline.protocol.keys import Suite

from .home import Device, HomeError, write_secret

__all__ = ["DEFAULT_PARTIES", "PARTY_NAMES", "init_network", "make_tls_cert", "roster_json"]

DEFAULT_PARTIES = ("AL", "BA", "HR", "ME", "MK", "RS", "XK")
PARTY_NAMES = {
    "AL": "Albania",
    "BA": "Bosnia and Herzegovina",
    "HR": "Croatia",
    "ME": "Montenegro",
    "MK": "North Macedonia",
    "RS": "Serbia",
    # The region's forums seat Kosovo under a neutral designation; the display
    # name is whatever the parties agree in the roster.
    "XK": "Kosovo*",
}
FEED_FAMILIES = (
    "drone_flight",
    "cyber_incident",
    "link_test",
    "military_activity",
    "arms_transfer",
    "annual_information",
)


def make_tls_cert(directory: Path, hosts: Sequence[str] = ("127.0.0.1", "localhost")) -> None:
    """A self-signed P-256 certificate for the hub (clients pin it as their CA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cbm-hotline hub")])
    sans: list[x509.GeneralName] = []
    for h in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "tls.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    write_secret(
        directory / "tls.key",
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
    )


def roster_json(roster: Roster) -> str:
    """A human-readable view of a roster (keys abbreviated)."""
    return (
        json.dumps(
            {
                "version": roster.version,
                "prev_hash": roster.prev_hash.hex(),
                "hash": roster.hash().hex(),
                "quorum": roster.quorum,
                "issued_ms": roster.issued_ms,
                "valid_until_ms": roster.valid_until_ms,
                "auditor_copies": roster.auditor_copies,
                "parties": [p.to_wire() for p in roster.parties],
                "devices": [
                    {
                        "id": d.id,
                        "role": d.role,
                        "sign_key": d.sign_key.hex(),
                        "enc_suite": d.enc_suite,
                        "families": list(d.families),
                        "revoked": d.revoked,
                    }
                    for d in roster.devices
                ],
                "signatures": [s[0] for s in roster.signatures],
            },
            indent=1,
            ensure_ascii=False,
        )
        + "\n"
    )


def init_network(
    root: Path,
    parties: Sequence[str] = DEFAULT_PARTIES,
    quorum: int | None = None,
    suite: Suite = "pq",
    port: int = 8443,
    auditor_copies: bool = True,
    force: bool = False,
    officers: int = 1,
) -> Roster:
    """Create every identity, a quorum-signed roster, TLS files and hotline.toml."""
    root = Path(root)
    if (root / "hotline.toml").exists() and not force:
        raise HomeError(f"{root} already holds a network: choose an empty folder")
    parties = [p.strip().upper() for p in parties if p.strip()]
    quorum = quorum or (len(parties) * 2 // 3 + 1)
    if not 1 <= quorum <= len(parties):
        raise HomeError(f"--quorum must be between 1 and {len(parties)}")
    root.mkdir(parents=True, exist_ok=True)
    devices: list[Device] = []
    for p in parties:
        for k in range(1, officers + 1):  # several consoles per crisis centre
            devices.append(
                Device.generate(
                    root / "devices" / p / f"officer-{k}", f"{p}/officer-{k}", "officer", suite
                )
            )
        devices.append(
            Device.generate(root / "devices" / p / "feed-1", f"{p}/feed-1", "feed", suite)
        )
    devices.append(
        Device.generate(
            root / "devices" / "AUDIT" / "auditor-1", "AUDIT/auditor-1", "auditor", suite
        )
    )
    hub = Device.generate(root / "hub" / "identity", "HUB/hub-1", "hub", suite)
    write_secret(root / "hub" / "hub.sign", hub.sign.seed)
    make_tls_cert(root / "hub")
    entries = [
        RosterDevice(
            d.id,
            d.role,
            d.sign.verify_key.raw,
            d.enc.suite if d.enc else None,
            d.enc.public.raw if d.enc else None,
            FEED_FAMILIES if d.role == "feed" else (),
        )
        for d in (*devices, hub)
    ]
    plist = [RosterParty(p, PARTY_NAMES.get(p, p)) for p in parties]
    plist += [
        RosterParty("AUDIT", "Auditors", "observer"),
        RosterParty("HUB", "Regional Commission (hub operator)", "commission"),
    ]
    now = time.time_ns() // 1_000_000
    roster = Roster(
        1, b"", now, 0, quorum, tuple(plist), tuple(entries), auditor_copies, "cbm-hotline-local"
    )
    signers = [d for d in devices if d.id.endswith("/officer-1")][:quorum]
    for d in signers:  # the first `quorum` parties' first officers sign
        roster = roster.signed_by(d.id, d.sign)
    (root / "roster").mkdir(exist_ok=True)
    (root / "roster" / "roster-0001.bin").write_bytes(roster.encode())
    (root / "roster" / "roster-0001.json").write_text(roster_json(roster))
    (root / "hotline.toml").write_text(f'''# CBM Hotline local network, made by `hotline init`.
[network]
name = "cbm-hotline-local"
hub_url = "wss://127.0.0.1:{port}/v1/ws"
ca_cert = "hub/tls.crt"
suite = "{suite}"
policies = ["regional-2026", "vienna-2011"]

[hub]
host = "127.0.0.1"
port = {port}
device = "HUB/hub-1"
key_file = "hub/hub.sign"
tls_cert = "hub/tls.crt"
tls_key = "hub/tls.key"
roster_dir = "roster"
redis_url = ""   # empty: the hub starts its own redis-server (AOF always) in hub/redis
''')
    return roster
