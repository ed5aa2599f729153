"""The ACL user in deploy/redis-users.acl is enough for the hub, and nothing more is used."""

from __future__ import annotations

import secrets
import ssl
from pathlib import Path

import aiohttp
import redis

from hotline.client.events import MessageReceived, ReceiptUpdated
from hotline.client.home import Home
from hotline.client.rest import Rest
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub
from tests.waits import next_event, wait_until

ACL = Path(__file__).resolve().parents[2] / "deploy" / "redis-users.acl"
T = 15 * TIMEOUT_FACTOR


def _hotline_rules(password: str) -> list[str]:
    [line] = [x for x in ACL.read_text().splitlines() if x.startswith("user hotline ")]
    rules = line.split()[2:]
    return [f">{password}" if r.startswith(">") else r for r in rules]


async def test_a_hub_runs_as_the_documented_acl_user(
    home: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    password = secrets.token_urlsafe(24)
    admin = redis.Redis.from_url(redis_server.url, protocol=2)
    admin.execute_command("ACL", "SETUSER", "hotline", "reset", *_hotline_rules(password))
    admin.execute_command("ACL", "LOG", "RESET")
    url = f"redis://hotline:{password}@127.0.0.1:{redis_server.port}/0"
    hub = await start_hub(
        home, url, retention_interval_s=0.2, checkpoint_every=1, redeliver_idle_ms=200
    )
    admin.script_flush()  # as after a Redis restart: the hub must SCRIPT LOAD again
    try:
        async with client(home, "RS", hub.url) as rs, client(home, "HR", hub.url) as hr:
            hq, rq = hr.subscribe(), rs.subscribe()
            assert await rs.wait_connected(T) and await hr.wait_connected(T)
            res = await rs.send("HR", "hotline_message", {"text": "acl", "lang": "en"})
            assert res.status == "accepted"
            got = await next_event(hq, MessageReceived, T)
            await hr.acknowledge(got.message.id)
            await next_event(
                rq, lambda e: isinstance(e, ReceiptUpdated) and e.kind == "acknowledged", T
            )
            assert (await rs.status(res.id))["HR"]["state"] == "acknowledged"
        h = Home(home)
        rest = Rest(hub.url, h.device("AUDIT/auditor-1"), "HUB/hub-1", h.ca_cert)
        await rest.download("/v1/audit/export", tmp_path / "b.bundle", {})
        ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
        async with aiohttp.ClientSession() as s, s.get(hub.http + "/healthz", ssl=ctx) as r:
            assert r.status == 200, await r.text()
        assert await hub.streams.retention.backlog("HR") >= 0  # XINFO GROUPS, as the gauges

        async def trimmed() -> bool:  # the retention task has run as that user
            return "cmdstat_xtrim" in admin.info("commandstats")

        await wait_until(trimmed, T, "retention to run")
    finally:
        await hub.stop()
    denied = admin.execute_command("ACL", "LOG")
    admin.close()
    assert denied == [], denied
