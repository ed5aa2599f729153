"""End to end over real websockets, TLS, and a real redis-server."""

from __future__ import annotations

from pathlib import Path

from hotline.client.events import MessageReceived, ReceiptUpdated
from hotline.server.redis_process import RedisProcess
from tests.harness import client, start_hub

MSG = {"text": "Гранична патрола примећена код Јариња", "lang": "sr-Cyrl"}


async def test_send_receive_ack_receipts_status(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "RS", hub.url) as rs, client(home, "HR", hub.url) as hr:
            hr_events = hr.subscribe()
            rs_events = rs.subscribe()
            assert await rs.wait_connected(10) and await hr.wait_connected(10)
            res = await rs.send("HR,BA", "hotline_message", MSG)
            assert res.status == "accepted" and res.position
            got = None
            while got is None:
                ev = await hr_events.get()
                if isinstance(ev, MessageReceived):
                    got = ev.message
            assert got.verified and got.body == MSG and got.sender == "RS"
            await hr.acknowledge(got.id)
            kinds = set()
            while "acknowledged" not in kinds:
                ev = await rs_events.get()
                if isinstance(ev, ReceiptUpdated) and ev.id == res.id:
                    kinds.add(ev.kind)
            st = await rs.status(res.id)
            assert st["HR"]["state"] == "acknowledged"
            assert st["BA"]["state"] == "pending"
    finally:
        await hub.stop()
