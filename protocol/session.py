"""The websocket exchange as a sans-I/O state machine (docs/protocol.md §8).

Theory of operation
-------------------
Each websocket message carries one *frame*: canonical msgpack
``[type, {fields}]``. Both ends run a :class:`Session` with their role
(``"client"`` or ``"hub"``). The I/O layer feeds every received message to
:meth:`Session.receive_data`, then drains :meth:`Session.events_received`
(typed :class:`Frame` objects) and :meth:`Session.data_to_send` (bytes to
write). Outgoing frames go through :meth:`Session.send`, which checks the
same table. The session never touches a socket or a clock: the caller
hands in ``now_ms`` and arms a timer from :meth:`Session.deadline`.

The handshake: on connect the hub sends ``challenge`` (its identity, a
connection id and a fresh nonce); the client answers ``auth`` with its device
id and an Ed25519 signature over ``DOMAIN_AUTH ‖ pack([hub, conn, nonce,
device, at_ms])``; the hub answers ``welcome`` (or ``error`` and closes).
Only then do data frames flow.

An illegal frame — one the table does not allow from that sender in that
state — raises :class:`StateError` and fails the session for good (h11's
rule: after a protocol violation nothing is trusted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

from .auth import rest_payload_v1 as http_auth_payload  # moved; kept here until session.py goes
from .codec import pack, unpack
from .constants import DOMAIN_AUTH, MAX_FRAME
from .errors import DecodeError, LimitExceeded, ProtocolError, SchemaError, StateError

__all__ = [
    "FRAME_FIELDS",
    "HANDSHAKE_TIMEOUT_MS",
    "TRANSITIONS",
    "Frame",
    "Role",
    "Session",
    "State",
    "auth_payload",
    "check_fields",
    "http_auth_payload",
]

Role = Literal["client", "hub"]
State = Literal["connecting", "challenged", "authenticating", "open", "closed"]

HANDSHAKE_TIMEOUT_MS: Final = 10_000

#: required fields and their types per frame type; extra fields are allowed
FRAME_FIELDS: Final[dict[str, dict[str, type | tuple[type, ...]]]] = {
    "challenge": {"hub": str, "conn": bytes, "nonce": bytes, "at_ms": int},
    "auth": {"device": str, "at_ms": int, "signature": bytes},
    "welcome": {"device": str, "roster_version": int, "hub": str},
    "submit": {"envelope": bytes},
    "accepted": {"id": bytes, "position": str, "duplicate": bool},
    "deliver": {"delivery": str, "envelope": bytes},
    "ack": {"deliveries": list},
    "receipt": {"receipt": bytes},
    "status": {"id": bytes},
    "status_result": {"id": bytes, "recipients": dict},
    "roster": {"roster": bytes},
    "checkpoint": {"checkpoint": bytes},
    "error": {"code": str, "message": str},
    "bye": {},
}

# (sender role, state, frame type) -> next state.  docs/protocol.md §8.2
TRANSITIONS: Final[dict[tuple[Role, State, str], State]] = {
    ("hub", "connecting", "challenge"): "challenged",
    ("hub", "connecting", "error"): "closed",
    ("client", "challenged", "auth"): "authenticating",
    ("client", "challenged", "bye"): "closed",
    ("hub", "authenticating", "welcome"): "open",
    ("hub", "authenticating", "error"): "closed",
    **{("client", "open", t): "open" for t in ("submit", "ack", "receipt", "status")},
    **{
        ("hub", "open", t): "open"
        for t in (
            "accepted",
            "deliver",
            "receipt",
            "status_result",
            "roster",
            "checkpoint",
            "error",
        )
    },
    ("client", "open", "bye"): "closed",
    ("hub", "open", "bye"): "closed",
}


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: its type and fields."""

    type: str
    fields: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]

    def encode(self) -> bytes:
        return pack([self.type, self.fields])

    @classmethod
    def decode(cls, data: bytes) -> Frame:
        """Parse a frame and check its required fields; raises ProtocolError subclasses."""
        obj = unpack(data, max_size=MAX_FRAME)
        if not (
            isinstance(obj, list)
            and len(obj) == 2
            and isinstance(obj[0], str)
            and isinstance(obj[1], dict)
        ):
            raise DecodeError("a frame is [type, {fields}]")
        ftype, fields_ = obj
        check_fields(ftype, fields_)
        return cls(ftype, fields_)


def check_fields(ftype: str, fields_: dict[str, Any]) -> None:
    """The frame type is known and its required fields have their types."""
    schema = FRAME_FIELDS.get(ftype)
    if schema is None:
        raise DecodeError(f"unknown frame type {ftype!r}")
    for name, typ in schema.items():
        v = fields_.get(name)
        if not isinstance(v, typ) or (typ is int and isinstance(v, bool)):
            raise SchemaError(f"{ftype}.{name}: missing or wrong type", field=name)


def auth_payload(hub: str, conn: bytes, nonce: bytes, device: str, at_ms: int) -> bytes:
    """The bytes a device signs to authenticate (bound to hub and connection)."""
    return DOMAIN_AUTH + pack([hub, conn, nonce, device, at_ms])


class Session:
    """Drive one end of the exchange. See the module docstring."""

    def __init__(self, role: Role, now_ms: int) -> None:
        self.role: Role = role
        self.peer: Role = "hub" if role == "client" else "client"
        self.state: State = "connecting"
        self.started_ms = now_ms
        self._events: list[Frame] = []
        self._out: list[bytes] = []
        self.failure: ProtocolError | None = None

    # -- input ---------------------------------------------------------------
    def receive_data(self, data: bytes) -> None:
        """Feed one received websocket message.

        Raises:
            ProtocolError: a malformed frame (the session stays usable when the
                error is recoverable and the state is open), or StateError for an
                illegal frame, which closes the session.
        """
        if self.state == "closed":
            raise StateError("the session is closed")
        try:
            frame = Frame.decode(data)
        except ProtocolError as exc:
            if self.state != "open":
                self._fail(exc)
            raise
        self._advance(self.peer, frame)
        self._events.append(frame)

    def events_received(self) -> list[Frame]:
        """Frames received since the last call, in order."""
        out, self._events = self._events, []
        return out

    # -- output --------------------------------------------------------------
    def send(self, ftype: str, **fields_: Any) -> bytes:
        """Queue a frame to the peer; returns its bytes too.

        Raises:
            StateError: this end may not send ``ftype`` now.
        """
        frame = Frame(ftype, fields_)
        # Our own frames obey the same schema and limits as the peer's. Checked on the
        # fields, not by decoding the bytes again: a hub sends every delivery through here.
        check_fields(ftype, fields_)
        data = frame.encode()
        if len(data) > MAX_FRAME:
            raise LimitExceeded(f"{len(data)} bytes exceeds the limit of {MAX_FRAME}")
        self._advance(self.role, frame)
        self._out.append(data)
        return data

    def data_to_send(self) -> list[bytes]:
        """Bytes queued by :meth:`send`, in order."""
        out, self._out = self._out, []
        return out

    # -- timing --------------------------------------------------------------
    def deadline(self) -> int | None:
        """When the I/O layer should give up on the handshake (ms), if it is pending."""
        if self.state in ("connecting", "challenged", "authenticating"):
            return self.started_ms + HANDSHAKE_TIMEOUT_MS
        return None

    def expired(self, now_ms: int) -> bool:
        d = self.deadline()
        return d is not None and now_ms > d

    # -- internals -----------------------------------------------------------
    def _advance(self, sender: Role, frame: Frame) -> None:
        nxt = TRANSITIONS.get((sender, self.state, frame.type))
        if nxt is None:
            err = StateError(f"{sender} may not send {frame.type!r} in state {self.state}")
            self._fail(err)
            raise err
        self.state = nxt

    def _fail(self, exc: ProtocolError) -> None:
        self.failure = exc
        self.state = "closed"
