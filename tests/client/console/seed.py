"""A console on a seeded store: fixed clock, no timers, no hub (nothing leaves it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotline.client.console.app import HotlineApp
from hotline.client.home import Home
from hotline.client.hub_client import HubClient

POLICIES = ["regional-2026", "vienna-2011"]
T = 1_790_000_000_000  # 2026-09-21 14:13 UTC
FLASH_ID = "0190c1a4-0000-7000-8000-000000000001"
SENT_ID = "0190c1a4-0000-7000-8000-0000000000aa"

ROWS: list[tuple[str, str, str, str, bool, dict[str, Any]]] = [
    (
        FLASH_ID,
        "RS",
        "hotline_message",
        "FLASH",
        False,
        {"text": "Unidentified aircraft over the Drina near Niš", "lang": "en"},
    ),
    (
        "0190c1a4-0000-7000-8000-000000000002",
        "XK",
        "military_activity",
        "PRIORITY",
        False,
        {
            "name": "Defender Europe 25",
            "start": "2026-11-01",
            "end": "2026-11-20",
            "area": {"type": "Point", "coordinates": [21.1, 42.6]},
            "troops": 25000,
            "battle_tanks": 40,
            "acv": 0,
            "artillery": 0,
            "aircraft_sorties": 0,
            "drones": 0,
            "live_fire": False,
            "kind": "exercise",
            "action": "notify",
            "observers_invited": True,
        },
    ),
    (
        "0190c1a4-0000-7000-8000-000000000003",
        "AL",
        "cyber_incident",
        "IMMEDIATE",
        True,
        {
            "severity": "high",
            "sector": "government",
            "summary": "Drill: wiper on portals",
            "tlp": "AMBER",
            "assistance_requested": False,
        },
    ),
    (
        "0190c1a4-0000-7000-8000-000000000004",
        "ME",
        "link_test",
        "ROUTINE",
        False,
        {"reply": False, "note": "hourly"},
    ),
]


def seed(hr: HubClient, read: bool = False) -> None:
    """Four received messages (one FLASH), one sent FLASH acknowledged by RS."""
    for i, (mid, sender, fam, prec, ex, body) in enumerate(ROWS):
        hr.store.store_incoming(
            {
                "id": mid,
                "sender": sender,
                "device": f"{sender}/officer-1",
                "family": fam,
                "precedence": prec,
                "exercise": ex,
                "created_ms": T - i * 600_000,
                "received_ms": T - i * 600_000 + 900,
                "body": body,
                "recipients": ["HR"],
                "verified": True,
                "seq": i + 1,
            },
            b"",
        )
        if read:  # opening it signs no new "read" receipt
            hr.store.set_my_rank(mid, 1)
    hr.store.queue(
        SENT_ID,
        b"env",
        T,
        {
            "family": "hotline_message",
            "recipients": ("RS", "BA"),
            "precedence": "FLASH",
            "exercise": False,
            "body": {"text": "Received, checking now", "lang": "en"},
        },
    )
    hr.store.accepted(SENT_ID, "1-0")
    hr.store.record_receipt(SENT_ID, "RS/officer-1", 0, T + 2_000)
    hr.store.record_receipt(SENT_ID, "RS/officer-1", 2, T + 65_000)
    hr.store.record_receipt(SENT_ID, "BA/officer-1", 0, T + 3_000)


def offline_app(home: Path, *, clock_ms: int = T, read: bool = False, **kw: Any) -> HotlineApp:
    hr = HubClient(Home(home), "HR")  # never started: nothing reaches a hub
    seed(hr, read=read)
    return HotlineApp(hr, POLICIES, clock=lambda: clock_ms, live=False, **kw)


def signed(app: HotlineApp) -> tuple[list[Any], list[Any]]:
    """What this console has signed: the outbox and the receipt outbox."""
    st = app.client.store
    return st.outbox(), st.receipt_outbox()
