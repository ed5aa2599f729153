"""Hypothesis state machine over the session: connect, auth, send, ack, reconnect, replay."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hotline.protocol import Frame, Session
from hotline.protocol.errors import ProtocolError, StateError

CH = {"hub": "HUB/hub-1", "conn": b"c" * 16, "nonce": b"n" * 32, "at_ms": 1}


class SessionMachine(RuleBasedStateMachine):
    """A model hub: accepts each message id once, redelivers unacked on reconnect."""

    def __init__(self) -> None:
        super().__init__()
        self.client: Session | None = None
        self.hub: Session | None = None
        self.accepted: dict[bytes, int] = {}  # model of the hub's dedupe
        self.unacked: set[str] = set()
        self.sent: list[bytes] = []
        self.counter = 0

    def both_open(self) -> bool:
        return (
            self.client is not None
            and self.hub is not None
            and self.client.state == "open"
            and self.hub.state == "open"
        )

    @rule()
    def connect(self) -> None:
        self.client, self.hub = Session("client", 0), Session("hub", 0)
        self.client.receive_data(self.hub.send("challenge", **CH))

    @precondition(
        lambda s: (
            s.client is not None
            and s.hub is not None
            and s.client.state == "challenged"
            and s.hub.state == "challenged"
        )
    )
    @rule()
    def auth(self) -> None:
        assert self.client and self.hub
        self.hub.receive_data(
            self.client.send("auth", device="RS/officer-1", at_ms=1, signature=b"s" * 64)
        )
        self.client.receive_data(
            self.hub.send("welcome", device="RS/officer-1", roster_version=1, hub="HUB/hub-1")
        )
        for d in sorted(self.unacked):  # redelivery on reconnect
            self.client.receive_data(self.hub.send("deliver", delivery=d, envelope=b"e"))

    @precondition(lambda s: s.both_open())
    @rule(new=st.booleans())
    def send(self, new: bool) -> None:
        assert self.client and self.hub
        if new or not self.sent:
            self.counter += 1
            mid = self.counter.to_bytes(16, "big")
            self.sent.append(mid)
        else:
            mid = self.sent[-1]  # replay
        self.hub.receive_data(self.client.send("submit", envelope=mid))
        (frame,) = [f for f in self.hub.events_received() if f.type == "submit"]
        first = frame["envelope"] not in self.accepted
        pos = self.accepted.setdefault(frame["envelope"], len(self.accepted))
        self.client.receive_data(
            self.hub.send("accepted", id=mid, position=f"{pos}-0", duplicate=not first)
        )
        delivery = f"{pos}-0"
        if first:
            self.unacked.add(delivery)
            self.client.receive_data(self.hub.send("deliver", delivery=delivery, envelope=mid))

    @precondition(lambda s: s.both_open() and s.unacked)
    @rule()
    def ack(self) -> None:
        assert self.client and self.hub
        d = sorted(self.unacked)[0]
        self.hub.receive_data(self.client.send("ack", deliveries=[d]))
        self.unacked.discard(d)

    @precondition(lambda s: s.client is not None and s.client.state in ("open", "challenged"))
    @rule(frame=st.sampled_from(["challenge", "welcome", "auth"]))
    def illegal(self, frame: str) -> None:
        """Frames out of place fail the session for good."""
        assert self.client
        sender = Session("hub", 0) if frame != "auth" else Session("client", 0)
        fields = {
            "challenge": CH,
            "welcome": {"device": "x", "roster_version": 1, "hub": "h"},
            "auth": {"device": "x", "at_ms": 1, "signature": b""},
        }[frame]
        target = self.client if frame != "auth" else self.hub
        assert target is not None
        if target.state == "open" or frame != "auth":
            with pytest.raises(StateError):
                target.receive_data(Frame(frame, fields).encode())
            assert target.state == "closed"
        _ = sender

    @rule()
    def garbage_when_open(self) -> None:
        if self.hub is not None and self.hub.state == "open":
            with pytest.raises(ProtocolError):
                self.hub.receive_data(b"\xc1")
            assert self.hub.state == "open"  # recoverable

    @invariant()
    def dedupe_holds(self) -> None:
        assert len(self.accepted) == len(set(self.sent))


TestSessionMachine = SessionMachine.TestCase
TestSessionMachine.settings = settings(max_examples=50, stateful_step_count=30, deadline=None)
