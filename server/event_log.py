"""The hub's own signature on everything it writes to the log (docs/protocol.md §9.2).

Every log event — an accepted envelope, a receipt, a rejection, a roster change, a hub
start — leaves here signed by the hub's key, so the checkpointer and every auditor can
tell the hub's entries from ones written straight into Redis. The signer also remembers
the digests of what this process wrote recently (its journal of its own events): the
checkpointer trusts those without checking them again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any, Final

from hotline.protocol import SigningKey
from hotline.protocol.events import LogEvent

__all__ = ["HubSigner"]

#: how many of its own recent events a hub remembers (the checkpointer's window behind)
RECENT: Final = 65_536


class HubSigner:
    """Signs log events as the hub device; remembers its own recent ones."""

    def __init__(self, key: SigningKey, hub: str) -> None:
        self.key = key
        self.hub = hub
        self._recent: OrderedDict[bytes, None] = OrderedDict()

    def event(self, etype: str, at_ms: int, payload: bytes = b"", **extra: Any) -> bytes:
        """The signed, encoded log event."""
        data = LogEvent(etype, at_ms, self.hub, payload, extra).signed(self.key).encode()
        self._recent[hashlib.sha256(data).digest()] = None
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return data

    def wrote(self, data: bytes) -> bool:
        """Whether this process signed exactly these bytes recently (then forget them)."""
        digest = hashlib.sha256(data).digest()
        if digest not in self._recent:
            return False
        del self._recent[digest]
        return True
