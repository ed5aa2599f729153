from __future__ import annotations

import pytest

from hotline.protocol import MAX_FRAME, Frame, Session, auth_payload
from hotline.protocol.errors import (
    DecodeError,
    LimitExceeded,
    ProtocolError,
    SchemaError,
    StateError,
)
from hotline.protocol.session import FRAME_FIELDS, TRANSITIONS

CHALLENGE = {"hub": "HUB/hub-1", "conn": b"c" * 16, "nonce": b"n" * 32, "at_ms": 1}


def handshake() -> tuple[Session, Session]:
    hub, client = Session("hub", 0), Session("client", 0)
    client.receive_data(hub.send("challenge", **CHALLENGE))
    auth = client.send("auth", device="RS/officer-1", at_ms=1, signature=b"s" * 64)
    hub.receive_data(auth)
    client.receive_data(
        hub.send("welcome", device="RS/officer-1", roster_version=1, hub="HUB/hub-1")
    )
    return hub, client


def test_handshake_reaches_open_on_both_ends() -> None:
    hub, client = handshake()
    assert hub.state == client.state == "open"
    assert [f.type for f in client.events_received()] == ["challenge", "welcome"]
    assert [f.type for f in hub.events_received()] == ["auth"]
    assert hub.deadline() is None


def test_data_to_send_drains_in_order() -> None:
    _hub, client = handshake()
    assert [Frame.decode(d).type for d in client.data_to_send()] == ["auth"]
    client.send("submit", envelope=b"e1")
    client.send("ack", deliveries=["1-0"])
    assert [Frame.decode(d).type for d in client.data_to_send()] == ["submit", "ack"]
    assert client.data_to_send() == []


@pytest.mark.parametrize(
    ("sender", "state", "ftype"),
    [
        (s, st, f)
        for s in ("client", "hub")
        for st in ("connecting", "challenged", "authenticating", "open")
        for f in FRAME_FIELDS
        if (s, st, f) not in TRANSITIONS
    ],
)
def test_every_transition_outside_the_table_is_illegal(sender: str, state: str, ftype: str) -> None:
    receiver = Session("hub" if sender == "client" else "client", 0)
    receiver.state = state  # type: ignore[assignment]
    fields = {
        k: (
            b"x"
            if t is bytes
            else 1
            if t is int
            else "x"
            if t is str
            else False
            if t is bool
            else []
            if t is list
            else {}
        )
        for k, t in FRAME_FIELDS[ftype].items()
    }
    with pytest.raises(StateError):
        receiver.receive_data(Frame(ftype, fields).encode())
    assert receiver.state == "closed"


def test_data_before_auth_fails_the_session_for_good() -> None:
    hub = Session("hub", 0)
    hub.send("challenge", **CHALLENGE)
    with pytest.raises(StateError):
        hub.receive_data(Frame("submit", {"envelope": b"x"}).encode())
    with pytest.raises(StateError):
        hub.receive_data(Frame("auth", {"device": "a", "at_ms": 1, "signature": b""}).encode())


def test_malformed_frame_when_open_is_recoverable() -> None:
    hub, _ = handshake()
    with pytest.raises(DecodeError):
        hub.receive_data(b"\xc1garbage")
    with pytest.raises(SchemaError):
        hub.receive_data(Frame("submit", {"envelope": "not bytes"}).encode())
    assert hub.state == "open"
    hub.receive_data(Frame("submit", {"envelope": b"ok"}).encode())
    assert hub.events_received()[-1]["envelope"] == b"ok"


def test_malformed_frame_during_handshake_closes() -> None:
    client = Session("client", 0)
    with pytest.raises(ProtocolError):
        client.receive_data(b"\x00")
    assert client.state == "closed"


def test_handshake_deadline_hint() -> None:
    s = Session("client", 1000)
    assert s.deadline() == 11_000
    assert not s.expired(10_000) and s.expired(11_001)


def test_auth_payload_binds_hub_connection_and_device() -> None:
    base = auth_payload("HUB/hub-1", b"c", b"n", "RS/officer-1", 1)
    assert base != auth_payload("HUB/hub-2", b"c", b"n", "RS/officer-1", 1)
    assert base != auth_payload("HUB/hub-1", b"d", b"n", "RS/officer-1", 1)
    assert base != auth_payload("HUB/hub-1", b"c", b"n", "HR/officer-1", 1)


def test_our_own_frames_obey_the_schema_and_the_size_limit() -> None:
    hub, _client = handshake()
    hub.data_to_send()
    with pytest.raises(SchemaError):
        hub.send("deliver", delivery="1-0")  # no envelope
    with pytest.raises(SchemaError):
        hub.send("deliver", delivery=1, envelope=b"x")  # wrong type
    with pytest.raises(LimitExceeded):
        hub.send("deliver", delivery="1-0", envelope=b"x" * MAX_FRAME)
    assert hub.state == "open" and hub.data_to_send() == []  # nothing was queued
    ok = hub.send("deliver", delivery="1-0", envelope=b"x", urgent=True)  # extras allowed
    assert Frame.decode(ok).fields["urgent"] is True
