"""The store's receipts: the highest state per device, and the signed ones still to go.

A mixin of :class:`~hotline.client.store.Store` (same SQLite file, same lock):

- ``receipts``: delivered / read / acknowledged, the highest per device (what the sender's
  Sent screen shows); every state's time goes to ``receipt_times`` (store_attention.py);
- ``receipt_outbox``: receipts this device signed, kept until their entry comes back
  through the log — only then are they known to be recorded.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

__all__ = ["ReceiptTables"]


class ReceiptTables:
    db: sqlite3.Connection
    _lock: threading.RLock

    def _x(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:  # pragma: no cover
        raise NotImplementedError

    # _log_receipt (every state's time) comes from store_attention.AttentionTables
    _log_receipt: Any

    def record_receipt(self, mid: str, device: str, rank: int, at_ms: int) -> bool:
        """Keep the highest state per device (and every state's time); True if it rose."""
        with self._lock:
            self._log_receipt(mid, device, rank, at_ms)
            cur = self.db.execute(
                "SELECT rank FROM receipts WHERE id=? AND device=?", (mid, device)
            ).fetchone()
            if cur and cur[0] >= rank:
                return False
            self.db.execute(
                "INSERT OR REPLACE INTO receipts VALUES (?,?,?,?)", (mid, device, rank, at_ms)
            )
            return True

    def receipts(self, mid: str) -> dict[str, int]:
        return {
            r[0]: int(r[1]) for r in self._x("SELECT device, rank FROM receipts WHERE id=?", (mid,))
        }

    # -- signed, not yet recorded ---------------------------------------------------
    def queue_receipt(self, mid: str, rank: int, data: bytes) -> None:
        self._x("INSERT OR IGNORE INTO receipt_outbox VALUES (?,?,?)", (mid, rank, data))

    def receipt_outbox(self) -> list[tuple[str, int, bytes]]:
        return [
            (r[0], int(r[1]), bytes(r[2]))
            for r in self._x("SELECT id, rank, data FROM receipt_outbox ORDER BY rowid")
        ]

    def drop_receipts(self, mid: str) -> bool:
        """Forget queued receipts for ``mid`` (refused for good); True if there were any."""
        return self._x("DELETE FROM receipt_outbox WHERE id=?", (mid,)).rowcount > 0

    def receipt_sent(self, mid: str, rank: int) -> None:
        self._x("DELETE FROM receipt_outbox WHERE id=? AND rank<=?", (mid, rank))
