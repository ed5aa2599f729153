"""The session's states and its transition table (docs/protocol.md §8.2).

Theory of operation (h11's rule): both ends keep the same table. A frame that the
table does not allow from its sender in the current state is a protocol violation:
the connection fails for good with ``illegal_transition`` — after a violation nothing
the peer says is trusted. Each end checks the peer's frames *and its own*: a bug that
would make this end send something illegal raises here instead of on the wire.
"""

from __future__ import annotations

from typing import Final, Literal

from ..errors import StateError
from ..frames import Frame

__all__ = ["CLIENT_REQUESTS", "HUB_ANSWERS", "TRANSITIONS", "Role", "State", "advance"]

Role = Literal["client", "hub"]
State = Literal["connecting", "challenged", "authenticating", "open", "closed"]

#: what a client may send once the session is open
CLIENT_REQUESTS: Final = (
    "submit",
    "ack",
    "receipt",
    "status",
    "cosign",
    "prove",
    "consistency",
    "fork_proof",
)
#: what the hub may send once the session is open
HUB_ANSWERS: Final = (
    "accepted",
    "deliver",
    "status_result",
    "roster",
    "checkpoint",
    "proofs",
    "consistency_proof",
    "alert",
    "error",
)

# (sender, state, frame type) -> next state
TRANSITIONS: Final[dict[tuple[Role, State, str], State]] = {
    ("hub", "connecting", "challenge"): "challenged",
    ("hub", "connecting", "error"): "closed",
    ("hub", "challenged", "error"): "closed",
    ("client", "challenged", "auth"): "authenticating",
    ("client", "challenged", "bye"): "closed",
    ("hub", "authenticating", "welcome"): "open",
    ("hub", "authenticating", "error"): "closed",
    **{("client", "open", t): "open" for t in CLIENT_REQUESTS},
    **{("hub", "open", t): "open" for t in HUB_ANSWERS},
    ("client", "open", "bye"): "closed",
    ("hub", "open", "bye"): "closed",
}


def advance(sender: Role, state: State, frame: Frame) -> State:
    """The state after ``sender`` sends ``frame`` in ``state``.

    Raises:
        StateError: the table does not allow it.
    """
    nxt = TRANSITIONS.get((sender, state, frame.TYPE))
    if nxt is None:
        raise StateError(f"the {sender} may not send {frame.TYPE!r} in state {state}")
    return nxt
