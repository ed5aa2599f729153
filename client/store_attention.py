"""The store's attention tables: alerts kept for the officer, and every receipt's time.

A mixin of :class:`~hotline.client.store.Store` (same SQLite file, same lock), kept apart
so the store's outbox/inbox code stays one job:

- ``alerts``: every security and register alert this device raised, persisted the moment
  it is raised (by whichever command ran the client), so a console opened later lists the
  ones that arrived while it was closed; ``seen`` marks what an officer has looked at.
- ``receipt_times``: delivered / read / acknowledged per device *with its time*; the
  ``receipts`` table keeps only the highest state, which cannot draw a timeline.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from hotline.protocol.policy_phrases import Phrase

__all__ = ["ALERT_KINDS", "AlertRow", "AttentionTables"]

ALERT_KINDS = ("security", "register")

SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
  n INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE, kind TEXT NOT NULL,
  at_ms INTEGER NOT NULL, ref TEXT, detail TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0,
  phrase TEXT);
CREATE TABLE IF NOT EXISTS receipt_times (
  id TEXT, device TEXT, rank INTEGER, at_ms INTEGER, PRIMARY KEY (id, device, rank));
"""


@dataclass(frozen=True, slots=True)
class AlertRow:
    n: int
    kind: str  # security | register
    at_ms: int
    ref: str
    detail: str  # English; what is shown when there is no phrase
    seen: bool
    phrase: Phrase | None = None  # a register alert, rendered in the officer's language


def _phrase(said: str | None) -> Phrase | None:
    if not said:
        return None
    d = json.loads(said)
    return Phrase(str(d["code"]), dict(d.get("params") or {}))


class AttentionTables:
    """Alerts and receipt times; mixed into Store, which provides ``db`` and ``_lock``."""

    db: sqlite3.Connection
    _lock: threading.RLock

    def _x(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:  # pragma: no cover
        raise NotImplementedError

    def _init_attention(self) -> None:
        with self._lock:
            self.db.executescript(SCHEMA)

    # -- alerts ------------------------------------------------------------------
    def add_alert(
        self,
        kind: str,
        detail: str,
        at_ms: int,
        ref: str = "",
        key: str | None = None,
        phrase: Phrase | None = None,
    ) -> bool:
        """Keep an alert; ``key`` makes it idempotent (a register alert recomputed later)."""
        if kind not in ALERT_KINDS:
            raise ValueError(f"alert kind {kind!r}: one of {', '.join(ALERT_KINDS)}")
        said = (
            None if phrase is None else json.dumps({"code": phrase.code, "params": phrase.params})
        )
        cur = self._x(
            "INSERT OR IGNORE INTO alerts (key, kind, at_ms, ref, detail, phrase) "
            "VALUES (?,?,?,?,?,?)",
            (key, kind, at_ms, ref, detail, said),
        )
        return cur.rowcount == 1

    def alerts(self, limit: int = 1000) -> list[AlertRow]:
        rows = self._x(
            "SELECT n, kind, at_ms, ref, detail, seen, phrase FROM alerts ORDER BY n DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            AlertRow(r[0], r[1], r[2], r[3] or "", r[4], bool(r[5]), _phrase(r[6])) for r in rows
        ]

    def unseen_alerts(self) -> Counter[str]:
        """Alerts no officer has looked at yet, per kind."""
        rows = self._x("SELECT kind, count(*) FROM alerts WHERE seen=0 GROUP BY kind")
        return Counter({str(k): int(c) for k, c in rows})

    def mark_alerts_seen(self) -> None:
        self._x("UPDATE alerts SET seen=1 WHERE seen=0")

    # -- receipt times -----------------------------------------------------------
    def _log_receipt(self, mid: str, device: str, rank: int, at_ms: int) -> None:
        self._x("INSERT OR IGNORE INTO receipt_times VALUES (?,?,?,?)", (mid, device, rank, at_ms))

    def receipt_timeline(self, mid: str) -> dict[str, dict[int, int]]:
        """device → {rank: at_ms} for every receipt seen for ``mid`` (0 delivered … 2 ack)."""
        out: dict[str, dict[int, int]] = {}
        for table in ("receipts", "receipt_times"):  # receipts: rows from before this table
            for dev, rank, at in self._x(
                f"SELECT device, rank, at_ms FROM {table} WHERE id=?", (mid,)
            ):
                out.setdefault(str(dev), {})[int(rank)] = int(at)
        return out

    def best_ranks(self, mids: list[str]) -> dict[str, dict[str, int]]:
        """id → {party: highest rank of any of its devices}, for many messages at once."""
        out: dict[str, dict[str, int]] = {m: {} for m in mids}
        for start in range(0, len(mids), 500):  # SQLite's bound-parameter limit
            chunk = mids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for mid, dev, rank in self._x(
                f"SELECT id, device, rank FROM receipts WHERE id IN ({marks})", tuple(chunk)
            ):
                party = str(dev).partition("/")[0]
                per = out[str(mid)]
                per[party] = max(per.get(party, -1), int(rank))
        return out
