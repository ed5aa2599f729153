"""The websocket session's two ends as sans-I/O objects (docs/protocol.md §8).

:class:`HubConnection` is the hub's end of one device connection, :class:`ClientConnection`
a device's end. Both take bytes in, give typed events and bytes out, and hand out
deadlines as hints; the hub's websocket handler, the client's connection loop, the test
harness and the bench drive the same objects.
"""

from __future__ import annotations

from .client_side import ClientConnection, ClientLimits, Connected, HubProtocolError
from .hub_side import CONNECTING_ROLES, Authenticated, HubConnection, HubLimits, PeerError
from .states import TRANSITIONS, State

__all__ = [
    "CONNECTING_ROLES",
    "TRANSITIONS",
    "Authenticated",
    "ClientConnection",
    "ClientLimits",
    "Connected",
    "HubConnection",
    "HubLimits",
    "HubProtocolError",
    "PeerError",
    "State",
]
