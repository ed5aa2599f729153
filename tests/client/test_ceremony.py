"""The real-deployment ceremony: each ministry holds only its own keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotline.client.events import MessageReceived
from hotline.client.init import make_tls_cert
from hotline.server.redis_process import RedisProcess
from tests.client.helpers import hotline
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub
from tests.waits import next_event

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here

pytestmark = pytest.mark.slow
MINISTRIES = {"RS": "Serbia", "HR": "Croatia", "BA": "Bosnia and Herzegovina"}


def _ministry_toml(home: Path, hub_home: Path) -> None:
    (home / "hotline.toml").write_text(
        f'[network]\nhub_url = "wss://127.0.0.1:1/v1/ws"\n'
        f'ca_cert = "{hub_home / "hub" / "tls.crt"}"\nsuite = "pq"\n'
    )


async def test_three_ministries_ceremony_hub_accepts(
    tmp_path: Path, redis_server: RedisProcess
) -> None:
    homes = {p: tmp_path / p for p in MINISTRIES}
    hub_home = tmp_path / "commission"
    entries = []
    for p, home in homes.items():
        r = hotline("keys", "new", "--home", str(home), "--device", f"{p}/officer-1")
        assert r.returncode == 0, r.stderr
        entries.append(json.loads(r.stdout)["entry"])
        # each ministry's private key never leaves its home
        assert (home / "devices" / p / "officer-1" / "sign.key").stat().st_mode & 0o077 == 0
    r = hotline("keys", "new", "--home", str(hub_home), "--device", "HUB/hub-1", "--role", "hub")
    entries.append(json.loads(r.stdout)["entry"])
    proposal = tmp_path / "roster-0001.bin"
    parties = ",".join(f"{k}={v}" for k, v in MINISTRIES.items())
    r = hotline(
        "roster",
        "propose",
        "--entries",
        *entries,
        "--parties",
        parties,
        "--quorum",
        "2",
        "--out",
        str(proposal),
    )
    assert r.returncode == 0, r.stderr

    assert (
        hotline(
            "roster", "sign", "--home", str(homes["RS"]), "--as", "RS", str(proposal)
        ).returncode
        == 0
    )
    r = hotline("roster", "verify", str(proposal))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "signed by 1 of the 2 parties the quorum requires" in r.stderr

    assert (
        hotline(
            "roster", "sign", "--home", str(homes["HR"]), "--as", "HR", str(proposal)
        ).returncode
        == 0
    )
    r = hotline("roster", "verify", str(proposal))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["signatures"] == ["RS/officer-1", "HR/officer-1"]
    shown = json.loads(hotline("roster", "show", str(proposal)).stdout)
    assert [p["code"] for p in shown["parties"] if p["kind"] == "party"] == list(MINISTRIES)

    # the commission's hub: its own key, TLS, the agreed roster
    make_tls_cert(hub_home / "hub")
    (hub_home / "hub" / "hub.sign").write_bytes(
        (hub_home / "devices" / "HUB" / "hub-1" / "sign.key").read_bytes()
    )
    (hub_home / "hub" / "hub.sign").chmod(0o600)
    (hub_home / "hotline.toml").write_text(
        '[hub]\ndevice = "HUB/hub-1"\nkey_file = "hub/hub.sign"\ntls_cert = "hub/tls.crt"\n'
        'tls_key = "hub/tls.key"\nroster_dir = "roster"\n'
    )
    for home in (hub_home, *homes.values()):
        r = hotline("roster", "install", "--home", str(home), str(proposal))
        assert r.returncode == 0, r.stderr
    for home in homes.values():
        _ministry_toml(home, hub_home)
    hub = await start_hub(hub_home, redis_server.url)
    try:
        assert hub.roster.current.version == 1
        async with (
            client(homes["RS"], "RS", hub.url) as rs,
            client(homes["BA"], "BA", hub.url) as ba,
        ):
            q = ba.subscribe()
            assert await rs.wait_connected(T) and await ba.wait_connected(T)
            res = await rs.send("BA", "hotline_message", {"text": "Ceremony done", "lang": "en"})
            assert res.status == "accepted"
            ev = await next_event(q, MessageReceived)
            assert ev.message.verified and ev.message.body["text"] == "Ceremony done"
    finally:
        await hub.stop()
