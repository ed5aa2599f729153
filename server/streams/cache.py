"""Recently routed log entries, by log id, so delivery rarely reads them back from Redis.

Inbox entries hold a reference to their log entry, not a copy of the envelope: copying
a 7 KB post-quantum envelope into every recipient party's inbox multiplied Redis's
write volume (and, with ``appendfsync always``, its fsyncs) by the fan-out. The router
has each entry in hand when it routes, so it leaves it here, payload decoded once; a
pump on the same hub finds it without a round trip. A miss (another hub routed it, a
restart, an old entry) reads the log entry. Bounded: the oldest are dropped first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from hotline.protocol import ProtocolError
from hotline.protocol.events import LogEvent

from .types import LogEntry

__all__ = ["LogRecord", "PayloadCache"]


@dataclass(frozen=True, slots=True)
class LogRecord:
    """A log entry as delivery needs it: the entry plus its decoded payload."""

    entry: LogEntry
    payload: bytes | None  # None: the event bytes do not decode (never delivered)

    @classmethod
    def of(cls, entry: LogEntry) -> LogRecord:
        try:
            return cls(entry, LogEvent.decode(entry.event).payload)
        except ProtocolError:
            return cls(entry, None)


class PayloadCache:
    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[str, LogRecord] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def put(self, record: LogRecord) -> None:
        self._items[record.entry.id] = record
        self._items.move_to_end(record.entry.id)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    def get(self, log_id: str) -> LogRecord | None:
        v = self._items.get(log_id)
        if v is None:
            self.misses += 1
        else:
            self.hits += 1
        return v

    def __len__(self) -> int:
        return len(self._items)
