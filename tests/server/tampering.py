"""An insider's edits to the log in Redis, and the traffic and export they are tried on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotline.client.home import Home
from hotline.client.rest import Rest
from hotline.server.streams import LOG
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client
from tests.waits import wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here


Entries = list[tuple[bytes, dict[bytes, bytes]]]


async def traffic(home: Path, url: str) -> None:
    async with client(home, "RS", url) as rs, client(home, "HR", url) as hr:
        q = hr.subscribe()
        assert await rs.wait_connected(T) and await hr.wait_connected(T)
        for i in range(12):
            res = await rs.send("HR,BA", "hotline_message", {"text": f"m{i}", "lang": "en"})
            assert res.status == "accepted"
        got = 0
        while got < 12:
            ev = await asyncio.wait_for(q.get(), T)
            got += type(ev).__name__ == "MessageReceived"
        inbox = hr.store.inbox()
        await hr.acknowledge(inbox[0].id)
        await hr.flush(5 * TIMEOUT_FACTOR)
        await wait_until(lambda: not hr.store.receipt_outbox(), what="the receipt to come back")


async def export(home: Path, url: str, out: Path) -> bytes:
    h = Home(home)
    rest = Rest(url, h.device("AUDIT/auditor-1"), "HUB/hub-1", h.ca_cert)
    await rest.download("/v1/audit/export", out, {})
    return out.read_bytes()


async def rewrite(r: Any, change: Callable[[Entries], Entries]) -> None:
    """What an insider with Redis access would do: rewrite the log stream in place."""
    entries = await r.xrange(LOG)
    new = change(entries)
    pipe = r.pipeline(transaction=True)
    pipe.delete("tmp:log")
    for eid, fields in new:
        pipe.xadd("tmp:log", fields, id=eid)
    pipe.rename("tmp:log", LOG)
    await pipe.execute()


def edit(entries: Entries) -> Entries:
    eid, f = entries[5]
    f = dict(f)
    ev = bytearray(f[b"e"])
    ev[3] ^= 0x01  # the hub-written time: signed by no sender, only by the checkpoint
    f[b"e"] = bytes(ev)
    return [*entries[:5], (eid, f), *entries[6:]]


def delete(entries: Entries) -> Entries:
    return entries[:7] + entries[8:]


def swap(entries: Entries) -> Entries:
    (a, fa), (b, fb) = entries[9], entries[10]
    return [*entries[:9], (a, fb), (b, fa), *entries[11:]]


def truncate(entries: Entries) -> Entries:
    return entries[:-4]
