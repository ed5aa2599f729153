"""The hub's end of a device connection, sans I/O (docs/protocol.md §8).

Theory of operation (python-websockets' contract): the I/O layer feeds every received
websocket message to :meth:`HubConnection.receive_data`, then drains
:meth:`~HubConnection.events_received` (typed events) and
:meth:`~.base.Endpoint.data_to_send` (bytes to write, urgent first). It never owns a
socket or reads a clock: the caller passes ``now_ms`` and arms one timer at
:meth:`HubConnection.deadline`, calling :meth:`HubConnection.check_time` when it fires.
When :attr:`~.base.Endpoint.closed` turns true the I/O layer writes what is queued and
closes the socket with :attr:`~.base.Endpoint.close_code`.

The handshake: the connection queues ``challenge`` at once (the hub's identity, a
connection id and a nonce the caller drew); the device answers with one ``auth`` frame,
which is size-checked *before* it is decoded (``auth_frame_max``) and must verify
against the roster; the deadline is absolute — websocket pings do not extend it. On
success the connection emits :class:`Authenticated`; the I/O layer fetches what the
welcome needs (the roster versions newer than the device's, the latest checkpoint) and
calls :meth:`HubConnection.welcome`. Before the welcome any frame is illegal.

Open: frames are checked against the table and their schemas; a malformed one is
answered with an ``error`` frame and the session continues (:class:`PeerError`); an
illegal one fails the session. Installing a roster that revokes or expires the device
fails the session with that code at once (:meth:`HubConnection.roster_changed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from ..auth import auth_payload
from ..constants import MAX_FRAME
from ..errors import (
    AuthError,
    ClockSkew,
    LimitExceeded,
    ProtocolError,
    SchemaError,
    SignatureError,
    StateError,
)
from ..frames import (
    Accepted,
    Ack,
    Alert,
    Auth,
    Bye,
    Challenge,
    CheckpointPush,
    ConsistencyProof,
    Deliver,
    Error,
    Frame,
    Proofs,
    RosterPush,
    StatusResult,
    Welcome,
    decode_frame,
)
from ..roster import Roster, RosterDevice
from .base import Endpoint

__all__ = ["CONNECTING_ROLES", "Authenticated", "HubConnection", "HubLimits", "PeerError"]

#: roles that may open a session (the hub itself never connects as a device)
CONNECTING_ROLES: Final = ("officer", "feed", "auditor", "observer")


@dataclass(frozen=True, slots=True)
class HubLimits:
    """The hub's bounds on a connection (docs/protocol.md §2.3, §8.1)."""

    auth_frame_max: int = 4096  # the only frame accepted before authentication
    handshake_ms: int = 10_000  # absolute: from the socket's opening to the welcome
    max_skew_ms: int = 120_000  # the device's clock against the hub's, at auth
    frame_max: int = MAX_FRAME
    containers: int = 8  # arrays + maps in one client frame (ack and prove hold one list)


@dataclass(frozen=True, slots=True)
class Authenticated:
    """The device proved its key; the I/O layer now sends :meth:`HubConnection.welcome`."""

    device: RosterDevice
    roster_version: int  # the newest roster version the device holds
    checkpoint_size: int  # the newest checkpoint it holds (0: none)


@dataclass(frozen=True, slots=True)
class PeerError:
    """The device sent a malformed frame; it was answered and the session goes on."""

    error: ProtocolError


HubEvent = Authenticated | PeerError | Frame


class HubConnection(Endpoint):
    """See the module docstring."""

    role = "hub"

    def __init__(
        self,
        *,
        hub: str,
        conn_id: bytes,
        nonce: bytes,
        now_ms: int,
        roster: Roster,
        limits: HubLimits = HubLimits(),
    ) -> None:
        super().__init__(now_ms)
        self.hub = hub
        self.conn_id = conn_id
        self.nonce = nonce
        self.roster = roster
        self.limits = limits
        self.device: RosterDevice | None = None
        self._events: list[HubEvent] = []
        self._send(Challenge(hub, conn_id, nonce, now_ms), urgent=True)

    # -- input -----------------------------------------------------------------
    def receive_data(self, data: bytes, now_ms: int) -> None:
        """Feed one received websocket message (binary).

        Raises:
            StateError: the session is already closed (the caller should have stopped).
        """
        if self.state == "closed":
            raise StateError("the session is closed")
        if self.state != "open":
            self._receive_handshake(data, now_ms)
            return
        try:
            frame = decode_frame(
                data, max_size=self.limits.frame_max, max_containers=self.limits.containers
            )
        except ProtocolError as exc:  # malformed, not illegal: answer it and go on
            self._send(Error.of(exc))
            self._events.append(PeerError(exc))
            return
        try:
            self._peer_sent(frame)
        except StateError:
            return  # failed: the error frame is queued
        if isinstance(frame, Ack) and frame.invalid:
            bad = SchemaError(
                f"ack: {len(frame.invalid)} entries are not delivery ids "
                f"(first {frame.invalid[0]}); the others were acknowledged",
                field="deliveries",
            )
            self._send(Error.of(bad))
            self._events.append(PeerError(bad))
            if not frame.deliveries:
                return
        self._events.append(frame)

    def _receive_handshake(self, data: bytes, now_ms: int) -> None:
        if self.state != "challenged":  # authenticating: the device must wait for welcome
            self.fail(StateError("the device sent a frame before the hub's welcome"))
            return
        if len(data) > self.limits.auth_frame_max:
            # Checked before decoding: before authentication a stranger gets a few KB.
            self.fail(
                LimitExceeded(f"the auth frame is larger than {self.limits.auth_frame_max} bytes")
            )
            return
        try:
            frame = decode_frame(data, max_size=self.limits.auth_frame_max, max_containers=2)
            self._peer_sent(frame)
        except StateError:
            return
        except ProtocolError as exc:
            self.fail(AuthError(f"not an auth frame ({exc.code})"))
            return
        if isinstance(frame, Bye):
            return
        assert isinstance(frame, Auth)  # the table allows nothing else here
        self._authenticate(frame, now_ms)

    def _authenticate(self, auth: Auth, now_ms: int) -> None:
        try:
            dev = self.roster.device(auth.device, now_ms, roles=CONNECTING_ROLES)
            payload = auth_payload(self.hub, self.conn_id, self.nonce, auth.device, auth.at_ms)
            try:
                dev.verify_key.verify(auth.signature, payload)
            except SignatureError as exc:
                raise AuthError("the authentication signature does not verify") from exc
            if abs(auth.at_ms - now_ms) > self.limits.max_skew_ms:
                raise ClockSkew("the device clock is too far from the hub's: fix the clock")
        except ProtocolError as exc:
            self.fail(exc)
            return
        self.device = dev
        self._events.append(Authenticated(dev, auth.roster_version, auth.checkpoint_size))

    def events_received(self) -> list[HubEvent]:
        """Events since the last call, in order."""
        out, self._events = self._events, []
        return out

    # -- time --------------------------------------------------------------------
    def deadline(self) -> int | None:
        """When :meth:`check_time` must run next (ms), or None.

        Before the welcome: the absolute handshake deadline. Afterwards: the moment the
        device's roster entry expires, if it does.
        """
        if self.state == "closed":
            return None
        if self.state != "open":
            return self.started_ms + self.limits.handshake_ms
        if self.device is not None and self.device.valid_until_ms:
            return self.device.valid_until_ms + 1
        return None

    def check_time(self, now_ms: int) -> None:
        """Fail the session if its deadline has passed."""
        d = self.deadline()
        if d is None or now_ms < d:
            return
        if self.state != "open":
            self.fail(AuthError("no authentication before the handshake deadline"))
        else:
            self.roster_changed(self.roster, now_ms)

    def roster_changed(self, roster: Roster, now_ms: int) -> None:
        """A newer roster is in force: end the session if it no longer admits the device."""
        self.roster = roster
        if self.device is None or self.state == "closed":
            return
        try:
            self.device = roster.device(self.device.id, now_ms, roles=CONNECTING_ROLES)
        except ProtocolError as exc:
            self.fail(exc)

    # -- output --------------------------------------------------------------------
    def welcome(self, rosters: Sequence[bytes] = (), checkpoint: bytes | None = None) -> None:
        """Open the session: welcome, the newer roster versions, the latest checkpoint."""
        if self.device is None:
            raise StateError("welcome before the device authenticated")
        # urgent: nothing the hub queues next (an urgent delivery, an alert) may reach the
        # device before the welcome that opens its session
        self._send(Welcome(self.device.id, self.roster.version, self.hub), urgent=True)
        for data in rosters:
            self._send(RosterPush(data))
        if checkpoint is not None:
            self._send(CheckpointPush(checkpoint))

    def accepted(self, mid: bytes, position: str, duplicate: bool, urgent: bool = False) -> None:
        # a FLASH sender's "accepted" does not wait behind queued routine frames
        self._send(Accepted(mid, position, duplicate, urgent), urgent)

    def refuse(self, exc: ProtocolError, ref: bytes | None = None) -> None:
        """Answer a request with a typed error (``ref``: the message id it concerns)."""
        self._send(Error.of(exc, ref))

    def deliver(self, delivery: str, entry: bytes, index: int, urgent: bool = False) -> None:
        self._send(Deliver(delivery, entry, index, urgent), urgent)

    def status_result(self, mid: bytes, recipients: dict[str, Any]) -> None:
        self._send(StatusResult(mid, recipients))

    def push_roster(self, data: bytes) -> None:
        self._send(RosterPush(data))

    def push_checkpoint(self, data: bytes) -> None:
        self._send(CheckpointPush(data))

    def proofs(self, size: int, proofs: Sequence[tuple[int, Sequence[bytes]]]) -> None:
        self._send(Proofs(size, tuple((i, tuple(p)) for i, p in proofs)))

    def consistency_proof(self, first: int, second: int, proof: Sequence[bytes]) -> None:
        self._send(ConsistencyProof(first, second, tuple(proof)))

    def alert(self, code: str, message: str, at_ms: int) -> None:
        self._send(Alert(code, message, at_ms), urgent=True)

    def bye(self) -> None:
        if self.state == "open":
            self._send(Bye())
