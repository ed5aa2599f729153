"""Alerts kept in the device's store the moment they are raised, by whoever runs the client.

The console lists them on its Alerts screen, including those raised while it was closed
(by ``hotline listen``, ``send`` …). Security alerts come from the client's events;
register alerts are recomputed from the store (idempotent: each is kept once).
"""

from __future__ import annotations

import asyncio
import contextlib

from hotline.protocol.policy_phrases import Phrase
from hotline.protocol.register import RegisterAlert
from hotline.runtime.clock import now_ms

from .events import Event, SecurityAlert
from .register import register_for
from .store import Store

__all__ = ["keep_alert", "record_alerts", "sync_register_alerts"]


def keep_alert(store: Store, ev: SecurityAlert, at_ms: int) -> bool:
    """Persist a security alert once (a redelivered bad message raises the same one)."""
    said = Phrase(ev.code, ev.params) if ev.code else None
    key = f"security:{ev.id}:{ev.detail}"
    return store.add_alert("security", ev.detail, at_ms, ev.id, key=key, phrase=said)


def sync_register_alerts(store: Store, party: str, at_ms: int) -> list[RegisterAlert]:
    """Keep every register alert the store's notices imply; returns the new ones."""
    _holdings, alerts, _policy = register_for(store, party)
    new = []
    for al in alerts:
        key = f"register:{al.notice_id}:{al.kind}:{al.category}"
        if store.add_alert("register", al.message, at_ms, al.notice_id, key=key, phrase=al.phrase):
            new.append(al)
    return new


async def record_alerts(store: Store, events: asyncio.Queue[Event]) -> None:
    """Run until cancelled: keep every security alert from ``events`` (a subscription)."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            ev = await events.get()
            if isinstance(ev, SecurityAlert):
                keep_alert(store, ev, now_ms())
