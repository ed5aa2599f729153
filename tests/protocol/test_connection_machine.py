"""A hypothesis state machine over the two real connection ends, driven against each other.

Every rule acts on the real HubConnection / ClientConnection and checks what they do —
nothing here checks a model against itself: frames sent open arrive as the same typed
frame, urgent output always leaves first, a malformed frame keeps the session open with
one error answer, an illegal one fails it for good.
"""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from hotline.protocol.codec import pack
from hotline.protocol.connection import Authenticated, ClientConnection, Connected, HubConnection
from hotline.protocol.errors import StateError
from hotline.protocol.frames import (
    Accepted,
    Challenge,
    Deliver,
    Error,
    Frame,
    Submit,
    Welcome,
    decode_frame,
)
from tests.factories import T0, make_network

NET = make_network(("BA", "HR"), quorum=1)
ROSTER = NET.roster
assert ROSTER is not None
DEV = "HR/officer-1"


class ConnectionMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.hub: HubConnection | None = None
        self.cli: ClientConnection | None = None
        self.counter = 0

    def _pump_to_client(self) -> list[object]:
        assert self.hub and self.cli
        for data in self.hub.data_to_send():
            if not self.cli.closed:
                self.cli.receive_data(data, T0)
        return list(self.cli.events_received())

    def _pump_to_hub(self) -> list[object]:
        assert self.hub and self.cli
        for data in self.cli.data_to_send():
            if not self.hub.closed:
                self.hub.receive_data(data, T0)
        return list(self.hub.events_received())

    def both_open(self) -> bool:
        return bool(self.hub and self.cli and self.hub.state == self.cli.state == "open")

    @rule()
    def connect(self) -> None:
        assert ROSTER is not None
        self.hub = HubConnection(
            hub="HUB/hub-1", conn_id=b"c" * 16, nonce=b"n" * 32, now_ms=T0, roster=ROSTER
        )
        self.cli = ClientConnection(device=DEV, key=NET[DEV].sign, now_ms=T0, hubs={"HUB/hub-1"})
        self._pump_to_client()
        (ev,) = self._pump_to_hub()
        assert isinstance(ev, Authenticated) and ev.device.id == DEV
        self.hub.welcome()
        (c,) = self._pump_to_client()
        assert isinstance(c, Connected) and self.both_open()

    @precondition(lambda s: s.both_open())
    @rule(n=st.integers(1, 5))
    def submits_are_received_as_sent(self, n: int) -> None:
        assert self.hub and self.cli
        sent = []
        for _ in range(n):
            self.counter += 1
            mid = self.counter.to_bytes(16, "big")
            self.cli.submit(mid, b"envelope %d" % self.counter)
            sent.append(Submit(mid, b"envelope %d" % self.counter))
        assert self._pump_to_hub() == sent

    @precondition(lambda s: s.both_open())
    @rule(urgent=st.lists(st.booleans(), min_size=1, max_size=8))
    def urgent_output_leaves_first(self, urgent: list[bool]) -> None:
        assert self.hub
        for i, u in enumerate(urgent):
            self.hub.deliver(f"{i}-0", b"entry", i, urgent=u)
        frames = [decode_frame(d, max_containers=64) for d in self.hub.data_to_send()]
        flags = [f.urgent for f in frames if isinstance(f, Deliver)]
        assert flags == sorted(flags, reverse=True)  # every urgent one before any routine
        assert sorted(f.delivery for f in frames if isinstance(f, Deliver)) == sorted(
            f"{i}-0" for i in range(len(urgent))
        )

    @precondition(lambda s: s.both_open())
    @rule(dup=st.booleans())
    def answers_arrive_typed(self, dup: bool) -> None:
        assert self.hub
        self.hub.accepted(b"\x01" * 16, "7-0", dup)
        assert self._pump_to_client() == [Accepted(b"\x01" * 16, "7-0", dup)]

    @precondition(lambda s: s.both_open())
    @rule(junk=st.sampled_from([b"\xc1", pack(["submit", {"id": b"x"}]), pack([1, 2, 3])]))
    def malformed_keeps_the_session(self, junk: bytes) -> None:
        assert self.hub
        self.hub.receive_data(junk, T0)
        assert self.hub.state == "open"
        (err,) = [decode_frame(d) for d in self.hub.data_to_send()]
        assert isinstance(err, Error)
        (ev,) = self.hub.events_received()  # one peer error, no frame
        assert type(ev).__name__ == "PeerError"

    @precondition(lambda s: s.hub is not None and s.hub.state == "open")
    @rule(kind=st.sampled_from(["welcome", "challenge", "deliver", "accepted"]))
    def illegal_fails_for_good(self, kind: str) -> None:
        assert self.hub
        frames: dict[str, Frame] = {
            "welcome": Welcome(DEV, 1, "HUB/hub-1"),
            "challenge": Challenge("HUB/hub-1", b"c" * 16, b"n" * 32, T0),
            "deliver": Deliver("1-0", b"e", 0),
            "accepted": Accepted(b"\x00" * 16, "1-0", False),
        }
        self.hub.receive_data(frames[kind].encode(), T0)
        assert self.hub.closed and self.hub.failure is not None
        assert self.hub.failure.code == "illegal_transition" and self.hub.close_code == 1002
        with pytest.raises(StateError):
            self.hub.receive_data(b"", T0)

    @invariant()
    def closed_means_failed_or_bye(self) -> None:
        for end in (self.hub, self.cli):
            if end is not None and end.closed:
                assert end.close_code is not None


TestConnectionMachine = ConnectionMachine.TestCase
TestConnectionMachine.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
