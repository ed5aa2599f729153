"""The hub's own signature on everything it writes to the log (docs/protocol.md §9.2).

Every log event — an accepted envelope, a receipt, a rejection, a roster change, a hub
start — leaves here signed by the hub's key, so the checkpointer and every auditor can
tell the hub's entries from ones written straight into Redis. The signer also remembers
the digests of what this process wrote recently (its journal of its own events), with the
event and what the caller noted beside it (the intake: the envelope it decoded): the
checkpointer trusts those without checking or decoding them again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Final

from hotline.protocol import SigningKey
from hotline.protocol.events import LogEvent

__all__ = ["HubSigner", "Own"]

#: how many of its own recent events a hub remembers (the checkpointer's window behind)
RECENT: Final = 65_536


class HubSigner:
    """Signs log events as the hub device; remembers its own recent ones."""

    def __init__(self, key: SigningKey, hub: str) -> None:
        self.key = key
        self.hub = hub
        self._recent: OrderedDict[bytes, Own] = OrderedDict()

    def event(
        self, etype: str, at_ms: int, payload: bytes = b"", /, note: Any = None, **extra: Any
    ) -> bytes:
        """The signed, encoded log event; ``note`` is kept beside it for :meth:`recall`."""
        ev = LogEvent(etype, at_ms, self.hub, payload, extra).signed(self.key)
        data = ev.encode()
        self._recent[hashlib.sha256(data).digest()] = Own(ev, note)
        if len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        return data

    def recall(self, data: bytes) -> Own | None:
        """What this process signed as exactly these bytes recently, if it did (then
        forget it): the event, decoded, and the note given with it."""
        return self._recent.pop(hashlib.sha256(data).digest(), None)


@dataclass(frozen=True, slots=True)
class Own:
    """One of this hub's own recent events, as it signed it."""

    event: LogEvent
    note: Any
