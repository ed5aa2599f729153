"""Replays, bit flips of every field, wrong-role keys, roster rollback: rejected, audited,
nothing delivered twice."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import fields, replace
from pathlib import Path

import aiohttp

from hotline.client.compose import compose
from hotline.client.events import MessageReceived
from hotline.client.home import Home
from hotline.protocol import Envelope, id_text, new_message_id
from hotline.protocol.codec import pack, unpack
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import RawDevice, client, start_hub

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here


def now() -> int:
    import time

    return time.time_ns() // 1_000_000


async def test_replays_flips_roles_rollback(classic_home: Path, redis_server: RedisProcess) -> None:
    home = classic_home
    hub = await start_hub(home, redis_server.url, instance="r")
    h = Home(home)
    env, _ = compose(
        h.device("RS"),
        h.roster(now()),
        recipients=("HR",),
        family="link_test",
        body={},
        seq=1,
        now_ms=now(),
    )
    data = env.encode()
    try:
        async with client(home, "HR", hub.url) as hr:
            q = hr.subscribe()
            assert await hr.wait_connected(T)
            positions = []
            for stage in ("first", "immediately", "after hub restart", "after redis restart"):
                if stage == "after hub restart":
                    await hub.stop()
                    hub = await start_hub(home, redis_server.url, instance="r", port=hub.port)
                if stage == "after redis restart":
                    await asyncio.to_thread(redis_server.kill)
                    await asyncio.to_thread(redis_server.restart)
                async with RawDevice(hub.url, home, "RS/officer-1") as rs:
                    frame = await rs.submit(data)
                    assert frame.type == "accepted", (stage, frame.fields)
                    assert frame["duplicate"] == (stage != "first")
                    positions.append(frame["position"])
            assert len(set(positions)) == 1  # the original answer every time
            # A later message from the same sender: the hub routes and delivers per
            # sender in log order, so a wrongly repeated delivery would show before it.
            marker, _ = compose(
                h.device("RS"),
                h.roster(now()),
                recipients=("HR",),
                family="link_test",
                body={"note": "marker"},
                seq=3,
                now_ms=now(),
            )
            async with RawDevice(hub.url, home, "RS/officer-1") as rs:
                assert (await rs.submit(marker.encode())).type == "accepted"
            shown: list[str] = []
            while id_text(marker.id) not in shown:
                ev = await asyncio.wait_for(q.get(), T)
                if isinstance(ev, MessageReceived):
                    shown.append(ev.message.id)
            assert shown == [id_text(env.id), id_text(marker.id)]
            assert len(hr.store.inbox()) == 2

            # single-bit flips in every header field of a fresh envelope
            fresh, _ = compose(
                h.device("RS"),
                h.roster(now()),
                recipients=("HR",),
                family="link_test",
                body={},
                seq=2,
                now_ms=now(),
            )
            raw = unpack(fresh.encode())
            codes = set()
            async with RawDevice(hub.url, home, "RS/officer-1") as rs:
                for i, f in enumerate(fields(Envelope)[: len(raw)]):
                    val = raw[i]
                    if isinstance(val, bytes) and val:
                        bad = bytearray(val)
                        bad[len(bad) // 2] ^= 0x01
                        mutated = bytes(bad)
                    elif isinstance(val, bool):
                        mutated = not val
                    elif isinstance(val, int):
                        mutated = val ^ 1
                    elif isinstance(val, str):
                        mutated = val[:-1] + chr(ord(val[-1]) ^ 1)
                    elif isinstance(val, list):
                        mutated = [v[:-1] + chr(ord(v[-1]) ^ 1) for v in val]
                    else:
                        continue
                    frame = await rs.submit(pack([*raw[:i], mutated, *raw[i + 1 :]]))
                    assert frame.type == "error", f.name
                    codes.add(frame["code"])
                # a key of another role: the auditor signs as if it were a sender
                aud = h.device("AUDIT/auditor-1")
                forged = replace(fresh, device="RS/officer-1").signed(aud.sign)
                frame = await rs.submit(forged.encode())
                assert frame["code"] == "bad_signature"
            async with RawDevice(hub.url, home, "AUDIT/auditor-1") as audit:
                ae = Envelope(
                    1,
                    new_message_id(now(), b"\x01" * 10),
                    "AUDIT",
                    "AUDIT/auditor-1",
                    ("HR",),
                    "link_test",
                    "ROUTINE",
                    False,
                    now(),
                    None,
                    None,
                    1,
                    1,
                    "classic",
                    fresh.ciphertext,
                ).signed(aud.sign)
                frame = await audit.submit(ae.encode())
                assert frame["code"] == "wrong_role"
            assert {"bad_signature"} <= codes
            # roster rollback: an older version is refused
            ctx = ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))
            v1 = h.roster(now()).encode()
            async with (
                aiohttp.ClientSession() as s,
                s.post(f"{hub.http}/v1/roster", data=v1, ssl=ctx) as resp,
            ):
                assert resp.status == 200  # same version: idempotent, nothing changes
            forged_old = replace(h.roster(now()).unsigned(), issued_ms=1, _by_id={})
            async with (
                aiohttp.ClientSession() as s,
                s.post(f"{hub.http}/v1/roster", data=forged_old.encode(), ssl=ctx) as resp,
            ):
                body = await resp.json()
                assert resp.status == 400 and body["code"] in ("roster_rollback", "roster_invalid")
            # rejections are audited; nothing more was delivered
            log = await hub.streams.log.range()
            assert sum(e.type == "rejected" for e in log) >= len(codes)
            assert len(hr.store.inbox()) == 2  # the original and the marker, no more
    finally:
        await hub.stop()
