"""The two sans-I/O connection ends, driven against each other: no sockets, no Redis."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hotline.protocol.codec import pack
from hotline.protocol.connection import (
    TRANSITIONS,
    Authenticated,
    ClientConnection,
    Connected,
    HubConnection,
    HubLimits,
    PeerError,
)
from hotline.protocol.connection.states import CLIENT_REQUESTS, HUB_ANSWERS
from hotline.protocol.errors import ProtocolError, StateError
from hotline.protocol.frames import (
    Accepted,
    Ack,
    Auth,
    Bye,
    CheckpointPush,
    Deliver,
    Error,
    Frame,
    RosterPush,
    Submit,
    Welcome,
    decode_frame,
)
from tests.factories import T0, make_network

NET = make_network(("BA", "HR", "RS"), quorum=2)
ROSTER = NET.roster
assert ROSTER is not None
DEV = "HR/officer-1"
CONN, NONCE = bytes(range(16)), bytes(range(32))


def hub_end(now: int = T0, **limits: Any) -> HubConnection:
    assert ROSTER is not None
    return HubConnection(
        hub="HUB/hub-1",
        conn_id=CONN,
        nonce=NONCE,
        now_ms=now,
        roster=ROSTER,
        limits=HubLimits(**limits),
    )


def client_end(device: str = DEV, now: int = T0) -> ClientConnection:
    return ClientConnection(
        device=device, key=NET[device].sign, now_ms=now, roster_version=1, hubs={"HUB/hub-1"}
    )


def pump(
    a: HubConnection | ClientConnection, b: HubConnection | ClientConnection, now: int = T0
) -> None:
    """Move queued bytes from a to b until both are quiet."""
    moved = True
    while moved:
        moved = False
        for src, dst in ((a, b), (b, a)):
            for data in src.data_to_send():
                moved = True
                if not dst.closed:
                    dst.receive_data(data, now)


def opened(device: str = DEV) -> tuple[HubConnection, ClientConnection]:
    hub, cli = hub_end(), client_end(device)
    pump(hub, cli)
    (ev,) = hub.events_received()
    assert isinstance(ev, Authenticated) and ev.device.id == device and ev.roster_version == 1
    hub.welcome([b"roster-bytes"], b"checkpoint-bytes")
    pump(hub, cli)
    events = cli.events_received()
    assert isinstance(events[0], Connected) and events[0].hub == "HUB/hub-1"
    assert events[1:] == [RosterPush(b"roster-bytes"), CheckpointPush(b"checkpoint-bytes")]
    assert hub.state == cli.state == "open"
    return hub, cli


def test_handshake_opens_both_ends() -> None:
    hub, cli = opened()
    cli.submit(b"\x01" * 16, b"envelope")
    pump(hub, cli)
    assert hub.events_received() == [Submit(b"\x01" * 16, b"envelope")]
    hub.accepted(b"\x01" * 16, "1-0", False, urgent=True)
    hub.deliver("5-0", b"entry", 3)
    pump(hub, cli)
    assert cli.events_received() == [
        Accepted(b"\x01" * 16, "1-0", False, True),
        Deliver("5-0", b"entry", 3),
    ]


def test_urgent_frames_go_first() -> None:
    hub, _cli = opened()
    hub.deliver("1-0", b"routine", 0)
    hub.deliver("2-0", b"flash", 1, urgent=True)
    out = [decode_frame(d, max_containers=8) for d in hub.data_to_send()]
    assert [f.delivery for f in out if isinstance(f, Deliver)] == ["2-0", "1-0"]


# -- refusals during the handshake: (case, mutate the auth frame, expected code) ----------
def _auth(device: str = DEV, at: int = T0, **kw: Any) -> bytes:
    from hotline.protocol.auth import auth_payload

    key = kw.pop("key", None) or NET[device].sign
    sig = key.sign(auth_payload(kw.pop("hub", "HUB/hub-1"), CONN, NONCE, device, at))
    return Auth(device, at, sig, **kw).encode()


HANDSHAKE_REFUSALS = [
    ("unknown device", _auth("HR/officer-9", key=NET[DEV].sign), "unknown_key"),
    ("hub key cannot connect", _auth("HUB/hub-1", key=NET["HUB/hub-1"].sign), "wrong_role"),
    ("signature by another key", _auth(DEV, key=NET["RS/officer-1"].sign), "auth_failed"),
    ("signature for another hub", _auth(DEV, hub="HUB/hub-2"), "auth_failed"),
    ("clock 3 minutes off", _auth(DEV, at=T0 + 180_000), "clock_skew"),
    ("not msgpack", b"\xc1", "auth_failed"),
    ("a submit instead of auth", Submit(b"\x00" * 16, b"").encode(), "illegal_transition"),
    (
        "bigger than the auth budget",
        b"\x91" + b"\xc4\xff" + bytes(255) * 0 + bytes(5000),
        "limit_exceeded",
    ),
]


@pytest.mark.parametrize(
    ("data", "code"), [c[1:] for c in HANDSHAKE_REFUSALS], ids=[c[0] for c in HANDSHAKE_REFUSALS]
)
def test_handshake_refusals(data: bytes, code: str) -> None:
    hub = hub_end()
    hub.data_to_send()  # the challenge
    hub.receive_data(data, T0)
    assert hub.closed and hub.failure is not None and hub.failure.code == code
    (err,) = [decode_frame(d) for d in hub.data_to_send()]
    assert isinstance(err, Error) and err.code == code
    assert hub.close_code == hub.failure.close_code
    assert hub.events_received() == []


def test_revoked_device_is_refused_with_its_code() -> None:
    assert ROSTER is not None
    devs = tuple(replace(d, revoked=True) if d.id == DEV else d for d in ROSTER.devices)
    hub = HubConnection(
        hub="HUB/hub-1",
        conn_id=CONN,
        nonce=NONCE,
        now_ms=T0,
        roster=replace(ROSTER, devices=devs, signatures=(), _by_id={}),
    )
    cli = client_end()
    pump(hub, cli)
    assert hub.failure is not None and hub.failure.code == "revoked_key"
    assert cli.closed and cli.failure is not None and cli.failure.code == "revoked_key"


def test_bomb_before_auth_is_refused_before_decoding() -> None:
    # a megabyte of empty arrays: refused on its length alone, nothing decoded
    hub = hub_end()
    hub.receive_data(b"\xdc\x10\x00" + b"\x90" * (1 << 20), T0)
    assert hub.failure is not None and hub.failure.code == "limit_exceeded"


def test_second_frame_before_welcome_fails() -> None:
    hub, cli = hub_end(), client_end()
    pump(hub, cli)
    assert isinstance(hub.events_received()[0], Authenticated)
    hub.receive_data(Submit(b"\x00" * 16, b"").encode(), T0)
    assert hub.failure is not None and hub.failure.code == "illegal_transition"


def test_handshake_deadline_is_absolute() -> None:
    hub = hub_end(handshake_ms=10_000)
    assert hub.deadline() == T0 + 10_000
    hub.check_time(T0 + 9_999)
    assert not hub.closed
    hub.check_time(T0 + 10_000)
    assert hub.failure is not None and hub.failure.code == "auth_failed"


def test_client_handshake_deadline() -> None:
    cli = client_end()
    cli.check_time(T0 + 10_000)
    assert cli.failure is not None and cli.failure.code == "auth_failed"


def test_client_refuses_an_impostor_hub() -> None:
    hub = HubConnection(hub="RS/officer-1", conn_id=CONN, nonce=NONCE, now_ms=T0, roster=ROSTER)
    cli = client_end()
    pump(hub, cli)
    assert cli.failure is not None and cli.failure.code == "auth_failed"


# -- the open session -------------------------------------------------------------------
def test_malformed_frame_is_answered_and_the_session_continues() -> None:
    hub, _cli = opened()
    hub.receive_data(pack(["submit", {"id": b"short", "envelope": b""}]), T0)
    (ev,) = hub.events_received()
    assert isinstance(ev, PeerError) and ev.error.code == "schema_error"
    assert hub.state == "open"
    (err,) = [decode_frame(d) for d in hub.data_to_send()]
    assert isinstance(err, Error) and err.field == "id"
    hub.receive_data(b"\xc1", T0)
    assert hub.state == "open"


def test_object_bomb_after_auth_is_a_limit_not_a_stall() -> None:
    hub, _cli = opened()
    bomb = pack(["ack", {"deliveries": [[[]] * 100] * 100}])
    hub.receive_data(bomb, T0)
    (ev,) = hub.events_received()
    assert isinstance(ev, PeerError) and ev.error.code == "limit_exceeded"


def test_invalid_ack_ids_are_refused_one_by_one() -> None:
    hub, _cli = opened()
    hub.receive_data(pack(["ack", {"deliveries": ["1-0", "x" * 500, 7, "2-5"]}]), T0)
    err, ack = hub.events_received()
    assert isinstance(err, PeerError) and "2 entries" in err.error.message
    assert ack == Ack(("1-0", "2-5"))
    assert "x" * 30 not in err.error.message  # never echoed whole


def test_bye_closes_normally() -> None:
    hub, cli = opened()
    cli.bye()
    pump(hub, cli)
    assert hub.events_received() == [Bye()]
    assert hub.closed and hub.close_code == 1000 and hub.failure is None


def test_revocation_ends_the_open_session() -> None:
    hub, cli = opened()
    assert ROSTER is not None
    devs = tuple(replace(d, revoked=True) if d.id == DEV else d for d in ROSTER.devices)
    hub.roster_changed(replace(ROSTER, version=2, devices=devs, signatures=(), _by_id={}), T0)
    assert hub.failure is not None and hub.failure.code == "revoked_key"
    assert hub.close_code == 1008
    pump(hub, cli)
    assert [type(e) for e in cli.events_received()] == [Error]


def test_expiry_is_a_deadline_hint() -> None:
    assert ROSTER is not None
    devs = tuple(
        replace(d, valid_until_ms=T0 + 5_000) if d.id == DEV else d for d in ROSTER.devices
    )
    hub = HubConnection(
        hub="HUB/hub-1",
        conn_id=CONN,
        nonce=NONCE,
        now_ms=T0,
        roster=replace(ROSTER, devices=devs, signatures=(), _by_id={}),
    )
    cli = client_end()
    pump(hub, cli)
    hub.events_received()
    hub.welcome()
    assert hub.deadline() == T0 + 5_001
    hub.check_time(T0 + 5_001)
    assert hub.failure is not None and hub.failure.code == "expired_key"


def _frame_of(ftype: str) -> Frame:
    from hotline.protocol import frames

    samples: dict[str, Frame] = {
        "submit": frames.Submit(b"\x00" * 16, b"e"),
        "ack": frames.Ack(("1-0",)),
        "receipt": frames.ReceiptSubmit(b"r"),
        "status": frames.Status(b"\x00" * 16),
        "cosign": frames.Cosign(b"c"),
        "prove": frames.Prove(2, (1,)),
        "consistency": frames.Consistency(1, 2),
        "fork_proof": frames.ForkProof(b"a", b"b"),
        "accepted": frames.Accepted(b"\x00" * 16, "1-0", False),
        "deliver": frames.Deliver("1-0", b"e", 0),
        "status_result": frames.StatusResult(b"\x00" * 16, {}),
        "roster": frames.RosterPush(b"r"),
        "checkpoint": frames.CheckpointPush(b"c"),
        "proofs": frames.Proofs(1, ((0, ()),)),
        "consistency_proof": frames.ConsistencyProof(1, 2, ()),
        "alert": frames.Alert("x", "y", 1),
        "error": frames.Error("x", "y"),
        "welcome": frames.Welcome(DEV, 1, "HUB/hub-1"),
        "bye": frames.Bye(),
        "challenge": frames.Challenge("HUB/hub-1", CONN, NONCE, T0),
        "auth": frames.Auth(DEV, T0, bytes(64)),
    }
    return samples[ftype]


@pytest.mark.parametrize("ftype", CLIENT_REQUESTS)
def test_every_client_request_round_trips_in_the_open_state(ftype: str) -> None:
    hub, _cli = opened()
    frame = _frame_of(ftype)
    hub.receive_data(frame.encode(), T0)
    assert hub.events_received() == [frame] and hub.state == "open"


@pytest.mark.parametrize("ftype", HUB_ANSWERS)
def test_every_hub_answer_round_trips_in_the_open_state(ftype: str) -> None:
    _hub, cli = opened()
    frame = _frame_of(ftype)
    cli.receive_data(frame.encode(), T0)
    assert cli.events_received() == [frame] and cli.state == "open"


@pytest.mark.parametrize("ftype", (*HUB_ANSWERS, "welcome", "challenge"))
def test_a_hub_frame_from_a_device_is_illegal(ftype: str) -> None:
    hub, _cli = opened()
    hub.receive_data(_frame_of(ftype).encode(), T0)
    assert hub.failure is not None and hub.failure.code == "illegal_transition"
    assert hub.close_code == 1002


@pytest.mark.parametrize("ftype", (*CLIENT_REQUESTS, "auth"))
def test_a_device_frame_from_the_hub_is_illegal(ftype: str) -> None:
    _hub, cli = opened()
    cli.receive_data(_frame_of(ftype).encode(), T0)
    assert cli.failure is not None and cli.failure.code == "illegal_transition"


def test_sending_out_of_turn_raises_at_the_sender() -> None:
    hub = hub_end()
    with pytest.raises(StateError):
        hub.deliver("1-0", b"e", 0)  # not before the welcome
    cli = client_end()
    with pytest.raises(StateError):
        cli.submit(b"\x00" * 16, b"e")


def test_closed_session_takes_no_more_input() -> None:
    hub = hub_end()
    hub.fail(ProtocolError("test"))
    with pytest.raises(StateError):
        hub.receive_data(b"", T0)


def test_table_is_complete_for_open_state() -> None:
    assert all(("client", "open", t) in TRANSITIONS for t in CLIENT_REQUESTS)
    assert all(("hub", "open", t) in TRANSITIONS for t in HUB_ANSWERS)
    assert Welcome.TYPE == "welcome"


def test_an_urgent_frame_never_overtakes_the_welcome() -> None:
    # an alert queued right after the welcome (the hub's integrity alarm on connect)
    hub, cli = hub_end(), client_end()
    pump(hub, cli)
    hub.events_received()
    hub.welcome([b"r"], b"c")
    hub.alert("integrity_alarm", "x", T0)
    pump(hub, cli)
    assert cli.state == "open" and cli.failure is None
