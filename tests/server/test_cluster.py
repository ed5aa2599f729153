"""The same delivery path on a real 3-node Redis Cluster, with two hubs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hotline.client.events import MessageReceived, ReceiptUpdated
from hotline.server.appkeys import METRICS
from hotline.server.local_cluster import LocalCluster
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub

pytestmark = pytest.mark.slow


@pytest.mark.timeout(120)
async def test_delivery_on_three_node_cluster(home: Path, tmp_path: Path) -> None:
    cluster = await asyncio.to_thread(LocalCluster(tmp_path / "cluster").start)
    hub_a = hub_b = None
    try:
        hub_a = await start_hub(home, cluster.url, redis_cluster=True, instance="a")
        hub_b = await start_hub(home, cluster.url, redis_cluster=True, instance="b")
        async with (
            client(home, "RS", hub_a.url) as rs,
            client(home, "HR", hub_b.url) as hr,
            client(home, "BA", hub_a.url) as ba,
        ):
            qs = {"HR": hr.subscribe(), "BA": ba.subscribe()}
            rq = rs.subscribe()
            for c in (rs, hr, ba):
                assert await c.wait_connected(10 * TIMEOUT_FACTOR)
            ids = []
            for i in range(20):
                res = await rs.send("HR,BA", "hotline_message", {"text": f"c{i}", "lang": "en"})
                assert res.status == "accepted"
                ids.append(res.id)
            for party, q in qs.items():
                got = []
                while len(got) < 20:
                    ev = await asyncio.wait_for(q.get(), 20 * TIMEOUT_FACTOR)
                    if isinstance(ev, MessageReceived):
                        got.append(ev.message.id)
                assert got == ids, party
            await hr.acknowledge(ids[0])
            while True:
                ev = await asyncio.wait_for(rq.get(), 20 * TIMEOUT_FACTOR)
                if isinstance(ev, ReceiptUpdated) and ev.kind == "acknowledged":
                    break
            st = await rs.status(ids[0])
            assert st["HR"]["state"] == "acknowledged"
            # A FLASH on a Cluster is routed by the router and read by its pump itself:
            # no read is lent to the append, which cannot read inboxes in other slots
            # (a lent read not sent came back empty and was counted as one served).
            res = await rs.send(
                "BA", "hotline_message", {"text": "f", "lang": "en"}, precedence="FLASH"
            )
            assert res.status == "accepted"
            while True:
                ev = await asyncio.wait_for(qs["BA"].get(), 20 * TIMEOUT_FACTOR)
                if isinstance(ev, MessageReceived) and ev.message.id == res.id:
                    break
            assert hub_a.app[METRICS].get("hotline_lent_reads_total") == 0
    finally:
        for h in (hub_a, hub_b):
            if h:
                await h.stop()
        await asyncio.to_thread(cluster.stop)
