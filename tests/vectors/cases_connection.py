"""The two connection ends driven through scripts (docs/protocol.md §8.1, §8.2, §8.5).

Each case is a transcript: what the peer sent and when, what this end wrote back, the
events it handed to its application and how it closed. The hub's checks on ``auth``
run in the order of §8.1, so a case with two faults names the earlier one.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hotline.protocol import Roster
from hotline.protocol.auth import auth_payload
from hotline.protocol.codec import pack
from hotline.protocol.frames import (
    Ack,
    Auth,
    Bye,
    Challenge,
    CheckpointPush,
    Deliver,
    Error,
    RosterPush,
    Submit,
    Welcome,
)
from hotline.protocol.keys import SigningKey
from tests.factories import T0

from .cases_log import HUB
from .cases_roster import NET, R1, next_roster
from .cases_witness import cp
from .common import case, err, ok

__all__ = ["client_transcript_cases", "hub_transcript_cases"]

DEV = "HR/officer-1"
CONN, NONCE = bytes(range(16)), bytes(range(32))
MID = bytes.fromhex("019a0b0c0d0e7000800000000000002a")
SIGNERS = ["AL/officer-1", "BA/officer-1", "RS/officer-1"]


def _edited(device: str, **changes: Any) -> Roster:
    devices = tuple(replace(d, **changes) if d.id == device else d for d in R1.devices)
    return next_roster(R1, SIGNERS, devices=devices)


REVOKED = _edited(DEV, revoked=True)  # v2: HR/officer-1 revoked
EXPIRING = _edited(DEV, valid_until_ms=T0 + 50_000)  # v2: HR/officer-1 until T0 + 50 s


def auth(device: str = DEV, at: int = T0 + 100, **kw: Any) -> str:
    key: SigningKey = kw.pop("key", None) or NET[device].sign
    conn = kw.pop("conn", CONN)
    sig = key.sign(auth_payload(HUB, conn, NONCE, device, at))
    return Auth(device, at, sig, **kw).encode().hex()


def at(t: int, **step: Any) -> dict[str, Any]:
    return {"at_ms": T0 + t, **step}


def _hub(cid: str, note: str, steps: list[Any], expect: dict, roster: Roster = R1) -> dict:
    inp = {
        "hub": HUB,
        "conn": CONN.hex(),
        "nonce": NONCE.hex(),
        "at_ms": T0,
        "roster": roster.encode().hex(),
        "steps": steps,
    }
    return case(f"connection/hub/{cid}", "connection.hub", note, inp, expect)


def _refused(code: str, close: int, types: list[str] | None = None) -> dict[str, Any]:
    return {**err(code), "types": types or ["challenge", "error"], "close_code": close,
            "state": "closed"}  # fmt: skip


def _full_hub() -> dict:
    light = cp(8, 4).encode(light=True)
    rosters = [REVOKED.encode()]  # a version newer than the device's 0 (any bytes do)
    welcome = {"rosters": [r.hex() for r in rosters], "checkpoint": light.hex()}
    steps = [
        at(100, recv=auth()),
        at(150, call="welcome", args=welcome),
        at(200, recv=Submit(MID, b"\x00").encode().hex()),
        at(210, call="accepted", args={"id": MID.hex(), "position": "5-0",
                                       "duplicate": False, "urgent": True}),
        at(300, recv=pack(["ack", {"deliveries": ["4-0", "x"]}]).hex()),
        at(400, call="deliver", args={"delivery": "6-0", "entry": "00", "index": 5}),
        at(500, recv=Bye().encode().hex()),
    ]  # fmt: skip
    frames = [
        Challenge(HUB, CONN, NONCE, T0),
        Welcome(DEV, 1, HUB),
        RosterPush(rosters[0]),
        CheckpointPush(light),
        pack(["accepted", {"id": MID, "position": "5-0", "duplicate": False, "urgent": True}]),
        pack(["error", {"code": "schema_error", "field": "deliveries"}]),
        Deliver("6-0", b"\x00", 5),
    ]
    expect = ok(
        frames=[f.hex() if isinstance(f, bytes) else f.encode().hex() for f in frames],
        events=[f"authenticated {DEV}", "submit", "peer_error schema_error", "ack", "bye"],
        state="closed",
        close_code=1000,
    )
    return _hub("full", "challenge, auth, welcome with a newer roster and the latest "
                "checkpoint, a submit answered, an ack with one bad id, a delivery, bye",
                steps, expect)  # fmt: skip


def hub_transcript_cases() -> list[dict]:
    opened = [at(100, recv=auth()), at(150, call="welcome", args={})]
    bad_key = SigningKey(b"\x09" * 32)
    return [
        _full_hub(),
        _hub("auth-frame-over-4096", "4 097 bytes before authentication: refused unread",
             [at(10, recv=[["c1", 4097]])], _refused("limit_exceeded", 1009)),
        _hub("auth-frame-4096-not-msgpack", "4 096 bytes are read; not a frame: auth_failed",
             [at(10, recv=[["c1", 4096]])], _refused("auth_failed", 1008)),
        _hub("auth-without-signature", "a malformed auth frame is auth_failed",
             [at(10, recv=pack(["auth", {"device": DEV, "at_ms": T0}]).hex())],
             _refused("auth_failed", 1008)),
        _hub("submit-before-auth", "only auth (or bye) may answer the challenge",
             [at(10, recv=Submit(MID, b"\x00").encode().hex())],
             _refused("illegal_transition", 1002)),
        _hub("frame-before-welcome", "the device sends again before the hub's welcome",
             [at(100, recv=auth()), at(120, recv=Ack(("1-0",)).encode().hex())],
             {**_refused("illegal_transition", 1002), "events": [f"authenticated {DEV}"]}),
        _hub("auth-in-open", "a second auth once the session is open",
             [*opened, at(200, recv=auth())],
             _refused("illegal_transition", 1002, ["challenge", "welcome", "error"])),
        _hub("unknown-device", "ME/officer-1 is in no roster",
             [at(100, recv=auth("ME/officer-1", key=bad_key))], _refused("unknown_key", 1008)),
        _hub("revoked", "the roster revokes HR/officer-1", [at(100, recv=auth())],
             _refused("revoked_key", 1008), REVOKED),
        _hub("revoked-before-signature", "revoked and a bad signature: the roster is "
             "checked first", [at(100, recv=auth(key=bad_key))],
             _refused("revoked_key", 1008), REVOKED),
        _hub("expired", "outside its validity window at the hub's clock",
             [at(50_001, recv=auth(at=T0 + 50_001))], _refused("expired_key", 1008),
             EXPIRING),
        _hub("hub-device", "the hub identity never connects as a device",
             [at(100, recv=auth(HUB))], _refused("wrong_role", 1008)),
        _hub("bad-signature", "signed with another key", [at(100, recv=auth(key=bad_key))],
             _refused("auth_failed", 1008)),
        _hub("other-connection", "a signature for another connection id",
             [at(100, recv=auth(conn=b"\x00" * 16))], _refused("auth_failed", 1008)),
        _hub("skew-bound", "the device's clock 120 s ahead: accepted",
             [at(100, recv=auth(at=T0 + 120_100))], ok(events=[f"authenticated {DEV}"],
                                                       state="authenticating")),
        _hub("skew-over", "120 s + 1 ms ahead", [at(100, recv=auth(at=T0 + 120_101))],
             _refused("clock_skew", 1008)),
        _hub("signature-before-clock", "a bad signature and a bad clock: auth_failed",
             [at(100, recv=auth(at=T0 + 200_000, key=bad_key))],
             _refused("auth_failed", 1008)),
        _hub("deadline", "nothing by 10 s after the connection opened",
             [at(9_999, tick=True), at(10_000, tick=True)], _refused("auth_failed", 1008)),
        _hub("deadline-is-absolute", "authenticated at 9 s, not welcomed by 10 s",
             [at(9_000, recv=auth(at=T0 + 9_000)), at(10_000, tick=True)],
             {**_refused("auth_failed", 1008), "events": [f"authenticated {DEV}"]}),
        _hub("revoked-while-open", "a new roster revokes the device: the session ends",
             [*opened, at(300, call="roster_changed", args={"roster": REVOKED.encode().hex()})],
             _refused("revoked_key", 1008, ["challenge", "welcome", "error"])),
        _hub("expires-while-open", "its validity ends during the session",
             [*opened, at(50_000, tick=True), at(50_001, tick=True)],
             _refused("expired_key", 1008, ["challenge", "welcome", "error"]), EXPIRING),
        _hub("malformed-in-open", "a malformed frame once open: answered, session goes on",
             [*opened, at(200, recv="c1")],
             ok(types=["challenge", "welcome", "error"], state="open", close_code=None,
                events=[f"authenticated {DEV}", "peer_error decode_error"])),
        _hub("bye-instead-of-auth", "the device leaves before authenticating",
             [at(10, recv=Bye().encode().hex())], ok(types=["challenge"], state="closed",
                                                      close_code=1000)),
    ]  # fmt: skip


def _client(cid: str, note: str, steps: list[Any], expect: dict) -> dict:
    inp = {
        "device": DEV,
        "sign_seed": NET[DEV].sign.seed.hex(),
        "at_ms": T0,
        "roster_version": 1,
        "checkpoint_size": 8,
        "hubs": [HUB],
        "steps": steps,
    }
    return case(f"connection/client/{cid}", "connection.client", note, inp, expect)


def client_transcript_cases() -> list[dict]:
    challenge = at(5, recv=Challenge(HUB, CONN, NONCE, T0).encode().hex())
    welcome = at(150, recv=Welcome(DEV, 1, HUB).encode().hex())
    mine = Auth(DEV, T0 + 5, NET[DEV].sign.sign(auth_payload(HUB, CONN, NONCE, DEV, T0 + 5)),
                1, 8)  # fmt: skip
    refused = Error("revoked_key", "HR/officer-1 is revoked").encode().hex()
    return [
        _client("full", "the device answers the challenge, is welcomed, takes a delivery, "
                "acks it and leaves",
                [challenge, welcome, at(200, recv=Deliver("6-0", b"\x00", 5).encode().hex()),
                 at(210, call="ack", args={"deliveries": ["6-0"]}), at(300, call="bye")],
                ok(frames=[mine.encode().hex(), Ack(("6-0",)).encode().hex(),
                           Bye().encode().hex()],
                   events=[f"connected {HUB}", "deliver"], state="closed", close_code=1000)),
        _client("refused", "the hub refuses the device: that code, nothing to retry",
                [challenge, at(150, recv=refused)],
                {**err("revoked_key"), "types": ["auth"], "close_code": 1008}),
        _client("unknown-hub", "a challenge from a hub the roster does not list",
                [at(5, recv=Challenge("HUB/hub-9", CONN, NONCE, T0).encode().hex())],
                {**err("auth_failed"), "types": [], "close_code": 1008}),
        _client("deliver-before-welcome", "the hub may not deliver before its welcome",
                [challenge, at(100, recv=Deliver("6-0", b"\x00", 5).encode().hex())],
                {**err("illegal_transition"), "types": ["auth"], "close_code": 1002}),
        _client("welcome-for-another-device", "the hub welcomes someone else",
                [challenge, at(150, recv=Welcome("HR/feed-1", 1, HUB).encode().hex())],
                {**err("auth_failed"), "close_code": 1008}),
        _client("deadline", "no welcome by 10 s", [challenge, at(10_000, tick=True)],
                {**err("auth_failed"), "close_code": 1008}),
        _client("malformed-before-open", "a malformed frame before the welcome ends it",
                [challenge, at(100, recv="c1")], {**err("decode_error"), "close_code": 1008}),
        _client("malformed-in-open", "once open, a malformed frame is dropped and noted",
                [challenge, welcome, at(200, recv="c1")],
                ok(events=[f"connected {HUB}", "hub_error decode_error"], state="open")),
    ]  # fmt: skip
