"""The checkpointer signs only what the hub wrote: a tampered log stops it and raises the alarm."""

from __future__ import annotations

from pathlib import Path

from hotline.server.redis_process import RedisProcess
from tests.harness import start_hub
from tests.server.tampering import delete, export, rewrite, traffic
from tests.waits import wait_until


async def test_restarted_signer_refuses_to_cover_a_tampered_log(
    home: Path, redis_server: RedisProcess, tmp_path: Path
) -> None:
    hub = await start_hub(home, redis_server.url, checkpoint_every=4)
    r = hub.redis
    await traffic(home, hub.url)
    await export(home, hub.url, tmp_path / "b.bundle")
    await hub.stop()
    await rewrite(r, delete)
    hub = await start_hub(home, redis_server.url, checkpoint_every=4)
    try:
        await wait_until(
            lambda: hub.checkpointer.integrity_error, what="the integrity check to fail"
        )
        assert "entry 7" in (hub.checkpointer.integrity_error or "")
        # and the hub says so to its monitor (it used to answer "ok")
        import ssl

        import aiohttp

        ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
        async with aiohttp.ClientSession() as s, s.get(f"{hub.http}/healthz", ssl=ctx) as resp:
            assert resp.status == 503
            body = await resp.json()
        assert body["code"] == "integrity_alarm" and "entry 7" in body["message"]
    finally:
        await hub.stop()
