"""What both ends of a connection share: the outgoing queue, failure, close hints."""

from __future__ import annotations

from collections import deque
from typing import Final

from ..errors import ProtocolError, StateError
from ..frames import Error, Frame
from .states import TRANSITIONS, Role, State, advance

__all__ = ["NORMAL_CLOSURE", "Endpoint"]

#: RFC 6455 §7.4.1: the close code of an orderly end
NORMAL_CLOSURE: Final = 1000


class Endpoint:
    """One end's state, its queued output (urgent first) and why it closed.

    Output is bytes the I/O layer writes in the order :meth:`data_to_send` returns them:
    every urgent frame (IMMEDIATE / FLASH traffic) ahead of routine ones still queued.
    """

    role: Role

    def __init__(self, now_ms: int) -> None:
        self.state: State = "connecting"
        self.started_ms = now_ms
        self.failure: ProtocolError | None = None
        self.close_code: int | None = None
        self._urgent: deque[bytes] = deque()
        self._routine: deque[bytes] = deque()

    @property
    def peer(self) -> Role:
        return "client" if self.role == "hub" else "hub"

    @property
    def closed(self) -> bool:
        return self.state == "closed"

    def data_to_send(self) -> list[bytes]:
        """Frames to write now, urgent first; the queue is emptied."""
        out = [*self._urgent, *self._routine]
        self._urgent.clear()
        self._routine.clear()
        return out

    def pending(self) -> int:
        """Frames queued and not yet taken by :meth:`data_to_send`."""
        return len(self._urgent) + len(self._routine)

    def close_reason(self) -> str:
        """The websocket close reason: the failure's code, or empty."""
        return self.failure.code if self.failure is not None else ""

    # -- for subclasses ------------------------------------------------------
    def _send(self, frame: Frame, urgent: bool = False) -> None:
        if self.state == "closed":
            raise StateError(f"the session is closed; cannot send {frame.TYPE!r}")
        self.state = advance(self.role, self.state, frame)
        (self._urgent if urgent else self._routine).append(frame.encode())
        if self.state == "closed" and self.close_code is None:
            self.close_code = NORMAL_CLOSURE

    def _peer_sent(self, frame: Frame) -> None:
        """Advance on a peer frame, failing the connection if the table forbids it."""
        try:
            self.state = advance(self.peer, self.state, frame)
        except StateError as exc:
            self.fail(exc)
            raise
        if self.state == "closed" and self.close_code is None:
            self.close_code = NORMAL_CLOSURE

    def fail(self, exc: ProtocolError) -> None:
        """End the connection for good: tell the peer why (when this end may), then close.

        Safe to call in any state; the first failure wins.
        """
        if self.state == "closed":
            return
        if (self.role, self.state, Error.TYPE) in TRANSITIONS:
            # the hub tells the device why; where the table allows no error frame (a
            # device never sends one), the close code and reason say it
            self._send(Error.of(exc), urgent=True)
        self.state = "closed"
        self.failure = exc
        self.close_code = exc.close_code
