"""A device's end of the hub connection, sans I/O (docs/protocol.md §8).

The same contract as :mod:`.hub_side`: bytes in with :meth:`ClientConnection.receive_data`,
typed events out with :meth:`~ClientConnection.events_received`, bytes to write with
:meth:`~.base.Endpoint.data_to_send`, one timer at :meth:`~ClientConnection.deadline`.
The connection answers the hub's ``challenge`` itself (it holds the device's signing
key; signing is computation, not I/O) and emits :class:`Connected` on ``welcome``. A hub
``error`` before the welcome fails the connection with that typed error (a refusal such
as ``revoked_key`` is not worth retrying; the caller reads :attr:`failure`).

What the connection does *not* do is decide whether a delivery may be shown: that is
the acceptance rule (:mod:`..acceptance`) and the inclusion proof, applied by the caller
with the roster history and store it holds.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..auth import auth_payload
from ..constants import MAX_FRAME
from ..errors import AuthError, ProtocolError, StateError
from ..frames import (
    Ack,
    Auth,
    Bye,
    Challenge,
    Consistency,
    Cosign,
    Error,
    ForkProof,
    Frame,
    Prove,
    ReceiptSubmit,
    Status,
    Submit,
    Welcome,
    decode_frame,
)
from ..keys import SigningKey
from .base import Endpoint

__all__ = ["ClientConnection", "ClientLimits", "Connected", "HubProtocolError"]


@dataclass(frozen=True, slots=True)
class ClientLimits:
    handshake_ms: int = 10_000
    frame_max: int = MAX_FRAME
    # status_result maps every recipient party's devices; proofs carry 256 paths
    containers: int = 1024


@dataclass(frozen=True, slots=True)
class Connected:
    """The hub welcomed the device."""

    hub: str
    roster_version: int
    hub_clock_ms: int  # the hub's clock in its challenge (for a skew estimate)


@dataclass(frozen=True, slots=True)
class HubProtocolError:
    """The hub sent a malformed frame in the open session; it was dropped."""

    error: ProtocolError


ClientEvent = Connected | HubProtocolError | Frame


class ClientConnection(Endpoint):
    """See the module docstring."""

    role = "client"

    def __init__(
        self,
        *,
        device: str,
        key: SigningKey,
        now_ms: int,
        roster_version: int = 0,
        checkpoint_size: int = 0,
        hubs: Collection[str] | None = None,
        limits: ClientLimits = ClientLimits(),
    ) -> None:
        super().__init__(now_ms)
        self.device = device
        self._key = key
        self.roster_version = roster_version
        self.checkpoint_size = checkpoint_size
        self.hubs = hubs  # the roster's hub devices; None: any (tests of the hub itself)
        self.limits = limits
        self.hub: str | None = None
        self._hub_clock = 0
        self._events: list[ClientEvent] = []

    # -- input -------------------------------------------------------------------
    def receive_data(self, data: bytes, now_ms: int) -> None:
        """Feed one received websocket message. ``now_ms`` dates the auth signature.

        Raises:
            StateError: the session is already closed.
        """
        if self.state == "closed":
            raise StateError("the session is closed")
        try:
            frame = decode_frame(
                data, max_size=self.limits.frame_max, max_containers=self.limits.containers
            )
        except ProtocolError as exc:
            if self.state == "open":
                self._events.append(HubProtocolError(exc))
            else:
                self.fail(exc)
            return
        try:
            self._peer_sent(frame)
        except StateError:
            return
        if isinstance(frame, Challenge):
            self._answer(frame, now_ms)
        elif isinstance(frame, Welcome):
            self._welcomed(frame)
        elif isinstance(frame, Error) and self.closed:
            # the hub refused the handshake: that is why the session ended
            self.failure = frame.error()
            self.close_code = self.failure.close_code
        else:
            self._events.append(frame)

    def _answer(self, ch: Challenge, now_ms: int) -> None:
        if self.hubs is not None and ch.hub not in self.hubs:
            self.fail(AuthError(f"{ch.hub} is not a hub of the roster: refusing to authenticate"))
            return
        self.hub, self._hub_clock = ch.hub, ch.at_ms
        sig = self._key.sign(auth_payload(ch.hub, ch.conn, ch.nonce, self.device, now_ms))
        self._send(
            Auth(self.device, now_ms, sig, self.roster_version, self.checkpoint_size), urgent=True
        )

    def _welcomed(self, w: Welcome) -> None:
        if w.device != self.device or w.hub != self.hub:
            self.fail(AuthError("the hub welcomed another device or spoke as another hub"))
            return
        self._events.append(Connected(w.hub, w.roster_version, self._hub_clock))

    def events_received(self) -> list[ClientEvent]:
        out, self._events = self._events, []
        return out

    # -- time ----------------------------------------------------------------------
    def deadline(self) -> int | None:
        if self.state in ("open", "closed"):
            return None
        return self.started_ms + self.limits.handshake_ms

    def check_time(self, now_ms: int) -> None:
        d = self.deadline()
        if d is not None and now_ms >= d:
            self.fail(AuthError("the hub did not complete the handshake in time"))

    # -- output ----------------------------------------------------------------------
    def submit(self, mid: bytes, envelope: bytes) -> None:
        self._send(Submit(mid, envelope))

    def ack(self, deliveries: Sequence[str], urgent: bool = False) -> None:
        self._send(Ack(tuple(deliveries)), urgent)

    def receipt(self, data: bytes, urgent: bool = False) -> None:
        self._send(ReceiptSubmit(data), urgent)

    def status(self, mid: bytes) -> None:
        self._send(Status(mid))

    def cosign(self, data: bytes) -> None:
        self._send(Cosign(data))

    def prove(self, size: int, indexes: Sequence[int]) -> None:
        self._send(Prove(size, tuple(indexes)))

    def consistency(self, first: int, second: int) -> None:
        self._send(Consistency(first, second))

    def fork_proof(self, first: bytes, second: bytes) -> None:
        self._send(ForkProof(first, second), urgent=True)

    def bye(self) -> None:
        if self.state in ("challenged", "open"):
            self._send(Bye())
