"""Revocation takes effect at once (issue 15 item 6).

A quorum-signed roster that revokes a connected device, installed through ``POST
/v1/roster``: the device's open session ends with ``revoked_key`` (close 1008), what
was delivered to it and not acknowledged is dead-lettered, it cannot connect again, and
the other parties' clients stop sealing to it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hotline.client.home import Home
from hotline.protocol import Envelope, ProtocolError, open_sealed, parse_id_text
from hotline.protocol.events import LogEvent
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import dlq_key
from tests.harness import RawDevice
from tests.waits import wait_until

from .scene import Scene, T, install, next_roster, open_scene

REVOKED = "RS/feed-1"  # RS's national system: its key is reported stolen


async def _pending(s: Scene, device: str) -> int:
    return await s.hub.streams.inbox.pending(device.partition("/")[0], device)


async def _sealed_to(s: Scene, mid: str, device: str) -> bool:
    for _e, f in await s.insider.log():
        if f.get(b"mid") == parse_id_text(mid).hex().encode() and f[b"t"] == b"accepted":
            env = Envelope.decode(LogEvent.decode(bytes(f[b"e"])).payload)
            dev = Home(s.home).device(device)
            assert dev.enc is not None
            try:
                open_sealed(env.ciphertext, env.header_digest(), dev.id, dev.enc)
            except ProtocolError:
                return False
            return True
    raise AssertionError(f"{mid} is not in the log")


async def test_a_revoked_device_is_cut_off_at_once(net: Path, redis_server: RedisProcess) -> None:
    async with open_scene(net, redis_server.url) as s:
        async with RawDevice(s.hub.url, s.home, REVOKED) as feed:
            before = await s.send("BA", "RS", precedence="ROUTINE")
            frame = await feed.recv()
            while frame.type != "deliver":  # rosters and checkpoints are pushed too
                frame = await feed.recv()
            # the feed got it and never acknowledged it: pending for that device

            got = frame["delivery"]

            async def delivered() -> bool:
                return await _pending(s, REVOKED) >= 1

            await wait_until(delivered, T, "the feed's unacknowledged delivery")
            assert await _sealed_to(s, before, REVOKED)

            v2 = next_roster(
                s.home, s.clients["HR"].roster, lambda d: replace(d, revoked=d.id == REVOKED)
            )
            await install(s, v2)  # every online client holds version 2 now

            frame = await feed.recv()
            while frame.type != "error":
                frame = await feed.recv()
            assert frame["code"] == "revoked_key", frame.fields
            await feed.ws.wait_closed()
            assert feed.ws.close_code == 1008

        assert await _pending(s, REVOKED) == 0
        dlq = [f for _i, f in await s.hub.redis.xrange(dlq_key("RS"))]
        assert {(f[b"device"], f[b"reason"]) for f in dlq} == {
            (REVOKED.encode(), f"{REVOKED} revoked".encode())
        }
        assert got.encode() in {f[b"id"] for f in dlq}  # the message it never acknowledged
        assert s.hub.metrics.get("hotline_dead_letters_total", party="RS") == len(dlq)
        with pytest.raises(ProtocolError) as refused:
            async with RawDevice(s.hub.url, s.home, REVOKED):
                pytest.fail("the revoked device completed the handshake")
        assert refused.value.code == "revoked_key"

        after = await s.send("BA", "RS", precedence="ROUTINE")  # BA's client holds v2
        assert not await _sealed_to(s, after, REVOKED)
        assert await _sealed_to(s, after, "RS/officer-1")
        await s.shown("RS", after)
        assert s.clients["RS"].connected.is_set()  # the party's console is not affected
