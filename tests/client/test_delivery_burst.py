"""A burst of deliveries: one commit, shown once each, acknowledged in one frame."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from hotline.client.compose import compose
from hotline.client.events import MessageReceived, SecurityAlert
from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.protocol import id_text


def _env(h: Home, i: int) -> tuple[str, bytes]:
    t = time.time_ns() // 1_000_000
    env, _ = compose(
        h.device("RS/officer-1"),
        h.roster(t),
        recipients=("HR",),
        family="hotline_message",
        body={"text": f"burst {i}", "lang": "en"},
        seq=i,
        now_ms=t,
    )
    return id_text(env.id), env.encode()


async def test_burst_is_stored_then_shown_once_and_acked_together(home: Path) -> None:
    h = Home(home)
    c = HubClient(h, "HR/officer-1", auto_receipts=False)
    sent: list[tuple[str, dict[str, Any]]] = []

    async def frame(ftype: str, **fields: Any) -> None:  # the socket side, recorded
        # By the time anything is acknowledged the burst is committed: another
        # connection to the file (which sees only committed rows) finds both.
        with sqlite3.connect(c.store.path) as other:
            ids = {r[0] for r in other.execute("SELECT id FROM inbox")}
        assert ids == {m1, m2}, ids
        sent.append((ftype, fields))

    c._frame = frame  # type: ignore[method-assign]
    q = c.subscribe()
    (m1, e1), (m2, e2) = _env(h, 1), _env(h, 2)
    try:
        await c._on_deliveries([("1-0", e1), ("2-0", e2), ("3-0", b"junk"), ("4-0", e1)])
        events = [q.get_nowait() for _ in range(q.qsize())]
        shown = [e.message.id for e in events if isinstance(e, MessageReceived)]
        assert shown == [m1, m2]  # the redelivered copy (4-0) is not shown again
        assert any(isinstance(e, SecurityAlert) and e.id == "3-0" for e in events)
        assert sent == [("ack", {"deliveries": ["1-0", "2-0", "3-0", "4-0"]})]
        assert {r.id for r in c.store.inbox()} == {m1, m2}
    finally:
        c.store.close()


async def test_a_burst_that_fails_to_store_is_not_acknowledged(home: Path) -> None:
    h = Home(home)
    c = HubClient(h, "HR/officer-1", auto_receipts=False)
    sent: list[str] = []

    async def frame(ftype: str, **fields: Any) -> None:
        sent.append(ftype)

    c._frame = frame  # type: ignore[method-assign]
    (_m1, e1), (_m2, e2) = _env(h, 1), _env(h, 2)
    real = c.store.store_incoming
    calls = 0

    def failing(row: dict[str, Any], data: bytes) -> bool:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("disk full")
        return real(row, data)

    c.store.store_incoming = failing  # type: ignore[method-assign]
    try:
        with pytest.raises(OSError, match="disk full"):
            await c._on_deliveries([("1-0", e1), ("2-0", e2)])
        assert sent == []  # nothing acknowledged: the hub will deliver both again
        assert c.store.inbox() == []  # and the first was rolled back with the second
    finally:
        c.store.close()


async def test_own_message_coming_back_is_acked_without_opening(home: Path) -> None:
    """The inbox carries the sender's party too; the sending device skips its own copy."""
    h = Home(home)
    c = HubClient(h, "RS/officer-1", auto_receipts=False)
    sent: list[tuple[str, dict[str, Any]]] = []

    async def frame(ftype: str, **fields: Any) -> None:
        sent.append((ftype, fields))

    def must_not_open(*a: Any) -> Any:
        raise AssertionError("opened its own message")

    c._frame = frame  # type: ignore[method-assign]
    mid, data = _env(h, 1)
    c.store.queue(
        mid,
        data,
        1,
        {
            "family": "hotline_message",
            "recipients": ["HR"],
            "precedence": "ROUTINE",
            "exercise": False,
            "body": {},
        },
    )
    c._open = must_not_open  # type: ignore[method-assign]
    q = c.subscribe()
    try:
        await c._on_deliveries([("9-0", data)])
        assert q.qsize() == 0
        assert sent == [("ack", {"deliveries": ["9-0"]})]
    finally:
        c.store.close()
