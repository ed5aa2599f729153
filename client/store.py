"""The device's local store (SQLite, WAL, synchronous=FULL).

- outbox: written *before* a message is sent, removed only when the hub has
  answered "accepted" — a crash or an unreachable hub never loses what an officer sent;
- inbox: deduplicated by message id, so a redelivered message is shown once;
- sent: what this party sent, with per-device receipt state;
- rosters and hub checkpoints seen;
- what the device knows about the log (store_log.py): ids seen, proofs owed, refusals,
  alerts.
- alerts and receipt times (store_attention.py).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .store_attention import AlertRow, AttentionTables
from .store_log import LOG_SCHEMA, LogStore
from .store_receipts import ReceiptTables

__all__ = ["AlertRow", "InboxRow", "Store"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY, envelope BLOB NOT NULL, created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, error TEXT);
CREATE TABLE IF NOT EXISTS sent (
  id TEXT PRIMARY KEY, family TEXT, recipients TEXT, precedence TEXT, exercise INTEGER,
  created_ms INTEGER, body TEXT, in_reply_to TEXT, state TEXT, position TEXT, error TEXT);
CREATE TABLE IF NOT EXISTS receipts (
  id TEXT, device TEXT, rank INTEGER, at_ms INTEGER, PRIMARY KEY (id, device));
CREATE TABLE IF NOT EXISTS inbox (
  id TEXT PRIMARY KEY, sender TEXT, device TEXT, family TEXT, precedence TEXT,
  exercise INTEGER, created_ms INTEGER, received_ms INTEGER, body TEXT, recipients TEXT,
  in_reply_to TEXT, supersedes TEXT, verified INTEGER, error TEXT, seq INTEGER,
  envelope BLOB, my_rank INTEGER NOT NULL DEFAULT -1);
CREATE INDEX IF NOT EXISTS inbox_order ON inbox (received_ms);
CREATE TABLE IF NOT EXISTS rosters (version INTEGER PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, data BLOB);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS receipt_outbox (id TEXT, rank INTEGER, data BLOB,
  PRIMARY KEY (id, rank));
"""
# Columns added after the first release: (table, column, declaration). A store made by an
# older version gains them on open; rows from before read as "unknown" (NULL).
ADDED_COLUMNS = (
    ("inbox", "accepted_ms", "INTEGER"),  # the hub's accept time, from the log entry
    ("inbox", "log_index", "INTEGER"),  # the entry's leaf index in the log
    ("inbox", "proof", "TEXT NOT NULL DEFAULT 'pending'"),  # pending | proven | failed
    ("sent", "accepted_ms", "INTEGER"),
    ("alerts", "phrase", "TEXT"),  # a register alert's phrase (code and facts) as JSON
)


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: str
    sender: str
    device: str
    family: str
    precedence: str
    exercise: bool
    created_ms: int
    received_ms: int
    body: dict[str, Any]
    recipients: list[str]
    in_reply_to: str | None
    supersedes: str | None
    verified: bool
    error: str | None
    seq: int
    my_rank: int
    accepted_ms: int | None = None  # None: stored before accept times were kept
    proof: str = "pending"  # inclusion in the witnessed log: pending | proven | failed

    @property
    def log_ms(self) -> int:
        """The time every deadline counts from: the hub's accept time when known."""
        return self.accepted_ms if self.accepted_ms is not None else self.received_ms


@dataclass(frozen=True)
class Composed:
    """A message built for the outbox: what ``Store.queue_new`` writes."""

    mid: str
    envelope: bytes
    created_ms: int
    sent: dict[str, Any]
    id: bytes


class Store(LogStore, ReceiptTables, AttentionTables):
    """One SQLite file per device; safe to share between a client and its UI thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Re-entrant: a batch (transaction()) holds it while the writes inside take it too.
        self._lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA + LOG_SCHEMA)
        self._init_attention()
        self._migrate()

    def _migrate(self) -> None:
        for table, column, decl in ADDED_COLUMNS:
            have = {r[1] for r in self.db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one commit (one fsync); a nested use joins the outer one.

        Why: a console receiving a burst stores it in one commit, then acknowledges it
        in one frame, instead of paying an fsync per message.
        """
        with self._lock:
            if self.db.in_transaction:
                yield
                return
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:  # any exit, a cancel too, undoes the writes; re-raised
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _x(self, sql: str, args: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.db.execute(sql, args)

    # -- meta --------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._x("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._x("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- outbox / sent -----------------------------------------------------------
    def queue(self, mid: str, envelope: bytes, created_ms: int, sent: dict[str, Any]) -> None:
        """Write the signed envelope to the outbox and the sent list, atomically."""
        with self.transaction():
            self._insert_queued(mid, envelope, created_ms, sent)

    def queue_new(self, build: Callable[[int], Composed]) -> Composed:
        """Take the next sequence number, build the signed envelope with it, and queue it.

        One transaction, so one fsync per message sent instead of two; a failure while
        building (a schema error, say) rolls back and leaves the number unused.
        """
        (res,) = self.queue_many([build])
        if isinstance(res, Exception):
            raise res
        return res

    def queue_many(self, builds: Sequence[Callable[[int], Composed]]) -> list[Composed | Exception]:
        """``queue_new`` for several messages in one commit (one fsync), in order.

        Each is built and written under its own savepoint: one that fails to build is
        rolled back alone (its exception is returned in its place, its sequence number
        goes to the next), the others are committed together.
        """
        out: list[Composed | Exception] = []
        with self.transaction():
            row = self.db.execute("SELECT value FROM meta WHERE key='seq'").fetchone()
            seq = int(row[0]) if row else 0
            for build in builds:
                self.db.execute("SAVEPOINT queue_one")
                try:
                    built = build(seq + 1)
                    self._insert_queued(built.mid, built.envelope, built.created_ms, built.sent)
                except Exception as exc:
                    self.db.execute("ROLLBACK TO queue_one")
                    self.db.execute("RELEASE queue_one")
                    out.append(exc)
                    continue
                self.db.execute("RELEASE queue_one")
                seq += 1
                out.append(built)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?)", (str(seq),))
        return out

    def _insert_queued(
        self, mid: str, envelope: bytes, created_ms: int, sent: dict[str, Any]
    ) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO outbox (id, envelope, created_ms) VALUES (?,?,?)",
            (mid, envelope, created_ms),
        )
        self.db.execute(
            "INSERT OR IGNORE INTO sent (id, family, recipients, precedence, exercise, "
            "created_ms, body, in_reply_to, state, position) "
            "VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                mid,
                sent["family"],
                ",".join(sent["recipients"]),
                sent["precedence"],
                int(sent["exercise"]),
                created_ms,
                json.dumps(sent["body"], ensure_ascii=False),
                sent.get("in_reply_to"),
                "queued",
                None,
            ),
        )

    def outbox(self) -> list[tuple[str, bytes]]:
        return [
            (r[0], bytes(r[1]))
            for r in self._x("SELECT id, envelope FROM outbox ORDER BY created_ms, rowid")
        ]

    def in_outbox(self, mid: str) -> bool:
        return self._x("SELECT 1 FROM outbox WHERE id=?", (mid,)).fetchone() is not None

    def outbox_count(self) -> int:
        return int(self._x("SELECT count(*) FROM outbox").fetchone()[0])

    def has_sent(self, mid: str) -> bool:
        return self._x("SELECT 1 FROM sent WHERE id=?", (mid,)).fetchone() is not None

    def accepted(self, mid: str, position: str) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM outbox WHERE id=?", (mid,))
            self.db.execute(
                "UPDATE sent SET state='accepted', position=? WHERE id=?", (position, mid)
            )

    def refused(self, mid: str, error: str) -> None:
        """The hub (or a rule) refused it for good: out of the outbox, never resent."""
        with self.transaction():
            self.db.execute("DELETE FROM outbox WHERE id=?", (mid,))
            self.db.execute("UPDATE sent SET state='refused', error=? WHERE id=?", (error, mid))

    def record_sent_copy(self, row: dict[str, Any]) -> None:
        """A message another console of our party sent (seen via our inbox)."""
        self._x(
            "INSERT OR IGNORE INTO sent (id, family, recipients, precedence, exercise, "
            "created_ms, body, in_reply_to, state, position, accepted_ms) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                row["id"],
                row["family"],
                ",".join(row["recipients"]),
                row["precedence"],
                int(row["exercise"]),
                row["created_ms"],
                json.dumps(row["body"], ensure_ascii=False),
                row.get("in_reply_to"),
                "accepted",
                row.get("position"),
                row.get("accepted_ms"),
            ),
        )

    def sent(self, limit: int = 500) -> list[dict[str, Any]]:
        rows = self._x(
            "SELECT id, family, recipients, precedence, exercise, created_ms, body, "
            "in_reply_to, state, position, error FROM sent ORDER BY created_ms DESC "
            "LIMIT ?",
            (limit,),
        ).fetchall()
        keys = (
            "id",
            "family",
            "recipients",
            "precedence",
            "exercise",
            "created_ms",
            "body",
            "in_reply_to",
            "state",
            "position",
            "error",
        )
        out = []
        for r in rows:
            d = dict(zip(keys, r, strict=True))
            d["recipients"] = [p for p in d["recipients"].split(",") if p]
            d["body"] = json.loads(d["body"] or "{}")
            d["exercise"] = bool(d["exercise"])
            out.append(d)
        return out

    # -- inbox -------------------------------------------------------------------
    def store_incoming(self, row: dict[str, Any], envelope: bytes) -> bool:
        """Insert a received message once; False if it was already there (redelivery)."""
        cur = self._x(
            "INSERT OR IGNORE INTO inbox (id, sender, device, family, precedence, exercise, "
            "created_ms, received_ms, body, recipients, in_reply_to, supersedes, verified, "
            "error, seq, envelope, accepted_ms, log_index) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                row["id"],
                row["sender"],
                row["device"],
                row["family"],
                row["precedence"],
                int(row["exercise"]),
                row["created_ms"],
                row["received_ms"],
                json.dumps(row["body"], ensure_ascii=False),
                ",".join(row["recipients"]),
                row.get("in_reply_to"),
                row.get("supersedes"),
                int(row["verified"]),
                row.get("error"),
                row["seq"],
                envelope,
                row.get("accepted_ms"),
                row.get("log_index"),
            ),
        )
        return cur.rowcount == 1

    def set_proof(self, mid: str, state: str, error: str | None = None) -> None:
        """Record the inclusion proof's outcome; a failed one also marks the row unverified."""
        if error is None:
            self._x("UPDATE inbox SET proof=? WHERE id=?", (state, mid))
        else:
            self._x("UPDATE inbox SET proof=?, verified=0, error=? WHERE id=?", (state, error, mid))

    def log_index(self, mid: str) -> int | None:
        """The log position (leaf index) a stored message was delivered from."""
        r = self._x("SELECT log_index FROM inbox WHERE id=?", (mid,)).fetchone()
        return int(r[0]) if r and r[0] is not None else None

    def set_my_rank(self, mid: str, rank: int) -> bool:
        cur = self._x("UPDATE inbox SET my_rank=? WHERE id=? AND my_rank < ?", (rank, mid, rank))
        return cur.rowcount == 1

    def inbox(self, limit: int = 1000) -> list[InboxRow]:
        rows = self._x(
            "SELECT id, sender, device, family, precedence, exercise, created_ms, "
            "received_ms, body, recipients, in_reply_to, supersedes, verified, error, "
            "seq, my_rank, accepted_ms, proof FROM inbox ORDER BY received_ms DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [self._row(r) for r in rows]

    def get(self, mid: str) -> InboxRow | None:
        r = self._x(
            "SELECT id, sender, device, family, precedence, exercise, created_ms, "
            "received_ms, body, recipients, in_reply_to, supersedes, verified, error, "
            "seq, my_rank, accepted_ms, proof FROM inbox WHERE id=?",
            (mid,),
        ).fetchone()
        return self._row(r) if r else None

    @staticmethod
    def _row(r: tuple[Any, ...]) -> InboxRow:
        return InboxRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            bool(r[5]),
            r[6],
            r[7],
            json.loads(r[8] or "{}"),
            [p for p in (r[9] or "").split(",") if p],
            r[10],
            r[11],
            bool(r[12]),
            r[13],
            r[14],
            r[15],
            r[16],
            r[17] or "pending",
        )
