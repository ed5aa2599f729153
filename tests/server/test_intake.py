"""Bad input of any kind: a typed error, nothing stored, the hub still serving."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hotline.client.compose import compose
from hotline.client.home import Home
from hotline.client.init import roster_json
from hotline.protocol import Envelope, ReplayError
from hotline.protocol.constants import MAX_FRAME
from hotline.server.appkeys import INTAKE
from hotline.server.redis_process import RedisProcess
from hotline.server.streams import IDS, LOG, inbox_key
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import RawDevice, client, publish_roster, start_hub
from tests.waits import wait_until

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here


def now() -> int:
    return time.time_ns() // 1_000_000


def envelope(
    home: Path,
    device: str,
    to: tuple[str, ...] = ("HR",),
    family: str = "hotline_message",
    body: dict[str, object] | None = None,
    **kw: object,
) -> Envelope:
    h = Home(home)
    env, _ = compose(
        h.device(device),
        h.roster(now()),
        recipients=to,
        family=family,
        body=body or {"text": "x", "lang": "en"},
        seq=1,
        now_ms=kw.pop("now_ms", now()),
        **kw,
    )  # type: ignore[arg-type]
    return env


def resign(env: Envelope, home: Path, signer: str, **changes: object) -> bytes:
    return replace(env, **changes).signed(Home(home).device(signer).sign).encode()  # type: ignore[arg-type]


async def test_bad_input_table(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    r = hub.redis
    try:
        # publish roster v2 revoking MK's officer, signed by a quorum of v1's parties
        h = Home(home)
        v1 = h.roster(now())
        devices = tuple(
            replace(d, revoked=True) if d.id == "MK/officer-1" else d for d in v1.devices
        )
        v2 = replace(
            v1.unsigned(),
            version=2,
            prev_hash=v1.hash(),
            issued_ms=now(),
            devices=devices,
            _by_id={},
        )
        for p in ("AL", "BA", "HR", "ME", "MK"):
            v2 = v2.signed_by(f"{p}/officer-1", h.device(p).sign)
        assert await publish_roster(home, hub.url, v2) == 2  # logged, then in force
        assert "MK/officer-1" in roster_json(v2)

        ok = envelope(home, "RS/officer-1")
        skewed = envelope(home, "RS/officer-1", now_ms=now() + 3_600_000)
        hr_env = envelope(home, "HR/officer-1", to=("BA",))
        mk_env = envelope(home, "MK/officer-1")
        cases: list[tuple[str, bytes, str]] = [
            ("garbage", b"\x93\xc1\xff\x00garbage", "decode_error"),
            ("wrong signature", ok.encode()[:-1] + bytes([ok.encode()[-1] ^ 1]), "bad_signature"),
            ("unknown key", resign(ok, home, "RS/officer-1", device="RS/officer-9"), "unknown_key"),
            ("revoked key", mk_env.encode(), "revoked_key"),
            ("wrong sender", hr_env.encode(), "wrong_sender"),
            (
                "recipient not in roster",
                resign(ok, home, "RS/officer-1", recipients=("ZZ",)),
                "unknown_recipient",
            ),
            ("skewed clock", skewed.encode(), "clock_skew"),
            ("bad schema", b"\x92\xa6submit\x81\xa8envelope\xa3str", "schema_error"),
        ]
        async with RawDevice(hub.url, home, "RS/officer-1") as rs:
            for name, data, code in cases:
                if name in ("bad schema", "garbage"):
                    frame = await rs.raw(data)
                else:
                    frame = await rs.submit(data)
                assert frame.type == "error", name
                assert frame["code"] == code, (name, frame.fields)
            # replayed id with different content
            first = await rs.submit(ok.encode())
            assert first.type == "accepted" and not first["duplicate"]
            again = await rs.submit(ok.encode())
            assert again.type == "accepted" and again["duplicate"]
            assert again["position"] == first["position"]
            other = replace(ok, precedence="ROUTINE").signed(Home(home).device("RS").sign)
            replay = await rs.submit(other.encode())
            assert replay.type == "error" and replay["code"] == "replay"
            # oversized frame: the transport refuses it and closes this socket only
            await rs.ws.send(b"\x00" * (MAX_FRAME + 10))
            await rs.ws.wait_closed()
            assert rs.ws.close_code == 1009
        async with RawDevice(hub.url, home, "RS/feed-1") as feed:
            fe = envelope(home, "RS/feed-1")
            frame = await feed.submit(fe.encode())
            assert frame["code"] == "family_not_allowed"
        # nothing stored but the one good message (and its idempotent retry)
        assert await r.hlen(IDS) == 1
        assert await r.hexists(IDS, ok.id.hex())
        for env in (skewed, hr_env, mk_env):
            assert not await r.hexists(IDS, env.id.hex())
        # the rejections are audited
        log = await hub.streams.log.range()
        assert sum(e.type == "rejected" for e in log) >= 7
        # and the hub still serves others
        async with client(home, "BA", hub.url) as ba:
            assert await ba.wait_connected(T)
            res = await ba.send("HR", "link_test", {})
            assert res.status == "accepted"

        async def routed() -> bool:  # the router copies accepted entries to inboxes on its own
            lanes = [int(await r.xlen(inbox_key("HR", lane))) for lane in ("routine", "urgent")]
            return sum(lanes) >= 2  # the first is a FLASH: the urgent lane

        await wait_until(routed, what="both good messages in HR's inbox")
    finally:
        await hub.stop()


async def _hmgets(hub: Any) -> int:
    got = (await hub.redis.info("commandstats")).get("cmdstat_hmget", {})
    return int(got.get("calls", 0))


async def test_a_new_message_costs_no_read_before_its_accept(
    home: Path, redis_server: RedisProcess
) -> None:
    """Why: reading whether its own id was known cost every message a round trip; the
    accept script answers that (a retry: the original answer)."""
    hub = await start_hub(home, redis_server.url)
    try:
        intake, rs = hub.app[INTAKE], hub.roster.current.device("RS/officer-1", now())
        env = envelope(home, "RS/officer-1", precedence="FLASH")
        before = await _hmgets(hub)
        first = await intake.submit(env.encode(), rs, now())
        assert await _hmgets(hub) == before and not first.duplicate and first.urgent
        again = await intake.submit(env.encode(), rs, now())
        assert (again.position, again.duplicate, again.urgent) == (first.position, True, True)
        # a reply names another message: that one is read (R12), still not its own id
        reply = envelope(home, "HR/officer-1", to=("RS",), in_reply_to=env.id)
        hr = hub.roster.current.device("HR/officer-1", now())
        assert not (await intake.submit(reply.encode(), hr, now())).duplicate
        assert await _hmgets(hub) == before + 1
    finally:
        await hub.stop()


async def test_a_retry_the_rule_would_refuse_today_gets_its_original_answer(
    home: Path, redis_server: RedisProcess
) -> None:
    """R0 before every other rule: a week later (R11 would refuse the timestamp), the very
    bytes are still "duplicate"; other content under that id is "replay" (R10 before R11)."""
    hub = await start_hub(home, redis_server.url)
    try:
        intake, rs = hub.app[INTAKE], hub.roster.current.device("RS/officer-1", now())
        env = envelope(home, "RS/officer-1")
        first = await intake.submit(env.encode(), rs, now())
        later = now() + 8 * 86_400_000
        again = await intake.submit(env.encode(), rs, later)
        assert (again.position, again.duplicate) == (first.position, True)
        other = resign(env, home, "RS/officer-1", seq=2)
        length = await hub.redis.xlen(LOG)
        with pytest.raises(ReplayError):
            await intake.submit(other, rs, later)
        assert await hub.redis.xlen(LOG) == length + 1  # the refusal, audited; nothing else
    finally:
        await hub.stop()
