"""End to end over real websockets, TLS, and a real redis-server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hotline.client.events import MessageReceived, ReceiptUpdated
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here

MSG = {"text": "Гранична патрола примећена код Јариња", "lang": "sr-Cyrl"}


async def test_send_receive_ack_receipts_status(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "RS", hub.url) as rs, client(home, "HR", hub.url) as hr:
            hr_events = hr.subscribe()
            rs_events = rs.subscribe()
            assert await rs.wait_connected(T) and await hr.wait_connected(T)
            res = await rs.send("HR,BA", "hotline_message", MSG)
            assert res.status == "accepted" and res.position
            got = None
            while got is None:
                ev = await asyncio.wait_for(hr_events.get(), T)
                if isinstance(ev, MessageReceived):
                    got = ev.message
            assert got.verified and got.body == MSG and got.sender == "RS"
            await hr.acknowledge(got.id)
            kinds = set()
            while "acknowledged" not in kinds:
                ev = await asyncio.wait_for(rs_events.get(), T)
                if isinstance(ev, ReceiptUpdated) and ev.id == res.id:
                    kinds.add(ev.kind)
            st = await rs.status(res.id)
            assert st["HR"]["state"] == "acknowledged"
            assert st["BA"]["state"] == "pending"
    finally:
        await hub.stop()
