"""Recently routed payloads, by log id, so delivery rarely reads them back from Redis.

Inbox entries hold a reference to their log entry, not a copy of the envelope: copying
a 7 KB post-quantum envelope into every recipient party's inbox multiplied Redis's
write volume (and, with ``appendfsync always``, its fsyncs) by the fan-out. The router
has each payload in hand when it routes, so it leaves it here; a pump on the same hub
finds it without a round trip. A miss (another hub routed it, a restart, an old entry)
reads the log entry. Bounded: the oldest are dropped first.
"""

from __future__ import annotations

from collections import OrderedDict

__all__ = ["PayloadCache"]


class PayloadCache:
    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def put(self, log_id: str, payload: bytes) -> None:
        self._items[log_id] = payload
        self._items.move_to_end(log_id)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def get(self, log_id: str) -> bytes | None:
        v = self._items.get(log_id)
        if v is None:
            self.misses += 1
        else:
            self.hits += 1
        return v

    def __len__(self) -> int:
        return len(self._items)
