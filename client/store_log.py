"""What a device's store keeps about the log: seen ids, proofs owed, refusals, rosters,
checkpoints.

A mixin of :class:`~.store.Store` (one SQLite file per device). Why these live in the
store and not in memory: a device that restarts must still know which ids it accepted
(replay), which deliveries still wait for an inclusion proof, and the evidence of every
delivery it refused. (Alerts are kept by store_attention.py.)
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from typing import Any

from hotline.protocol.acceptance import SeenMessage, envelope_digest
from hotline.protocol.envelope import Envelope

__all__ = ["LOG_SCHEMA", "LogStore"]

LOG_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
  id BLOB PRIMARY KEY, digest BLOB NOT NULL, sender TEXT NOT NULL, family TEXT NOT NULL,
  recipients TEXT NOT NULL, accepted_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS proofs (
  key TEXT NOT NULL, idx INTEGER NOT NULL, leaf BLOB NOT NULL, since_ms INTEGER NOT NULL,
  PRIMARY KEY (key, idx));
CREATE TABLE IF NOT EXISTS refusals (
  delivery TEXT PRIMARY KEY, idx INTEGER, code TEXT NOT NULL, message TEXT NOT NULL,
  entry BLOB, at_ms INTEGER NOT NULL);
"""


class LogStore:
    """Mixin: needs ``db`` (sqlite3.Connection), ``_lock`` and ``_x`` from Store."""

    db: sqlite3.Connection
    _lock: threading.RLock

    def _x(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        raise NotImplementedError

    # -- seen: the acceptance rule's memory (protocol.acceptance.Seen) -----------------
    def lookup(self, mid: bytes) -> SeenMessage | None:
        r = self._x(
            "SELECT digest, sender, family, recipients, accepted_ms FROM seen WHERE id=?", (mid,)
        ).fetchone()
        if r is None:
            return None
        return SeenMessage(bytes(r[0]), r[1], r[2], tuple(p for p in r[3].split(",") if p), r[4])

    def remember(self, env: Envelope, data: bytes, accepted_ms: int) -> None:
        """Keep an accepted (or own, queued) envelope's identity; the first one stays."""
        self._x(
            "INSERT OR IGNORE INTO seen VALUES (?,?,?,?,?,?)",
            (
                env.id,
                envelope_digest(data),
                env.sender,
                env.family,
                ",".join(env.recipients),
                accepted_ms,
            ),
        )

    # -- inclusion proofs still owed ---------------------------------------------------
    def add_proof(self, key: str, index: int, leaf: bytes, since_ms: int) -> None:
        self._x("INSERT OR IGNORE INTO proofs VALUES (?,?,?,?)", (key, index, leaf, since_ms))

    def pending_proofs(self) -> Iterator[tuple[str, int, bytes, int]]:
        for r in self._x("SELECT key, idx, leaf, since_ms FROM proofs ORDER BY idx"):
            yield r[0], int(r[1]), bytes(r[2]), int(r[3])

    def proof_done(self, key: str) -> None:
        self._x("DELETE FROM proofs WHERE key=?", (key,))

    # -- deliveries refused by the rule ------------------------------------------------
    def refuse_delivery(
        self, delivery: str, index: int | None, code: str, message: str, entry: bytes, at: int
    ) -> bool:
        """Keep what was refused (evidence for an auditor); False if already kept."""
        cur = self._x(
            "INSERT OR IGNORE INTO refusals VALUES (?,?,?,?,?,?)",
            (delivery, index, code, message, entry, at),
        )
        return cur.rowcount == 1

    def refusals(self) -> list[dict[str, Any]]:
        rows = self._x(
            "SELECT delivery, idx, code, message, at_ms FROM refusals ORDER BY at_ms"
        ).fetchall()
        keys = ("delivery", "index", "code", "message", "at_ms")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    # -- rosters / checkpoints --------------------------------------------------------
    def save_roster(self, version: int, data: bytes) -> None:
        self._x("INSERT OR IGNORE INTO rosters VALUES (?, ?)", (version, data))

    def rosters(self) -> list[bytes]:
        return [bytes(r[0]) for r in self._x("SELECT data FROM rosters ORDER BY version")]

    def save_checkpoint(self, size: int, data: bytes) -> None:
        self._x("INSERT OR IGNORE INTO checkpoints VALUES (?, ?)", (size, data))

    def checkpoints(self) -> list[bytes]:
        return [bytes(r[0]) for r in self._x("SELECT data FROM checkpoints ORDER BY size")]
