"""The console driven with Textual's Pilot against a real hub, plus text snapshots."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path

from textual.widgets import Input, Static

from hotline.client.console.app import HotlineApp
from hotline.client.console.screens import ComposeScreen
from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.server.redis_process import RedisProcess, free_port
from tests.client.snapshot import check
from tests.harness import client, start_hub

POLICIES = ["regional-2026", "vienna-2011"]


async def until(pilot: object, pred: object, timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():  # type: ignore[operator]
        assert loop.time() < end, "condition not met in time"
        await pilot.pause(0.05)  # type: ignore[attr-defined]


async def test_flash_is_alarming_until_acknowledged(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "RS", hub.url) as rs:
            hr = await client(home, "HR", hub.url).start()
            app = HotlineApp(hr, POLICIES)
            async with app.run_test(size=(100, 30)) as pilot:
                assert await rs.wait_connected(10) and await hr.wait_connected(10)
                res = await rs.send(
                    "HR",
                    "hotline_message",
                    {"text": "Unidentified aircraft near Vukovar", "lang": "en"},
                    precedence="FLASH",
                )
                await until(pilot, lambda: any(m.id == res.id for m in app.rows))
                assert app.query_one("#alarm").has_class("shown")
                assert "‼ FLASH" in str(app.query_one("#inbox").get_row_at(0)[0])
                await pilot.press("a")
                await until(pilot, lambda: not app.query_one("#alarm").has_class("shown"))
                for _ in range(100):
                    st = await rs.status(res.id)
                    if st["HR"]["state"] == "acknowledged":
                        break
                    await pilot.pause(0.05)
                assert st["HR"]["state"] == "acknowledged"
            await hr.close()
    finally:
        await hub.stop()


async def test_compose_verdict_follows_the_troops(home: Path) -> None:
    hr = HubClient(Home(home), "HR")  # offline is fine: the verdict is computed locally
    app = HotlineApp(hr, POLICIES, live=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("c")
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        start = (dt.date.today() + dt.timedelta(days=60)).isoformat()
        area = '{"type": "Point", "coordinates": [19.8, 45.3]}'
        for name, value in (
            ("name", "Two battalions"),
            ("start", start),
            ("end", start),
            ("area", area),
            ("troops", "900"),
        ):
            screen.query_one(f"#f-{name}", Input).value = value
        await pilot.pause()
        verdict = lambda: str(screen.query_one("#verdict", Static).render())  # noqa: E731
        assert "With 900 troops this exercise is not notifiable under regional-2026" in verdict()
        screen.query_one("#f-troops", Input).value = "1200"
        await pilot.pause()
        assert "With 1200 troops this exercise is notifiable under regional-2026" in verdict()
        assert "troops 1,200 ≥ 1,000" in verdict()
        screen.query_one("#f-troops", Input).value = "-3"
        await pilot.pause()
        assert "must be a non-negative integer" in str(screen.query_one("#e-troops").render())
    hr.store.close()


async def test_queued_while_hub_down_leaves_when_it_returns(
    home: Path, redis_server: RedisProcess
) -> None:
    port = free_port()
    hr = HubClient(Home(home), "HR", hub_url=f"wss://127.0.0.1:{port}/v1/ws")
    await hr.start()
    app = HotlineApp(hr, POLICIES)
    hub = None
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("c")
            screen = app.screen
            assert isinstance(screen, ComposeScreen)
            screen.query_one("#family").value = "link_test"  # type: ignore[attr-defined]
            await pilot.pause()
            screen.query_one("#to", Input).value = "RS"
            await pilot.press("ctrl+s")
            status = app.query_one("#status", Static)
            await until(pilot, lambda: "1 queued" in str(status.render()))
            assert "offline" in str(status.render()) or "connecting" in str(status.render())
            hub = await start_hub(home, redis_server.url, port=port)
            await until(pilot, lambda: "outbox empty" in str(status.render()), 40)
            assert "● connected" in str(status.render())
    finally:
        await hr.close()
        if hub:
            await hub.stop()


# -- snapshots: fixed size, fixed clock, no timers -------------------------------------------
T = 1_790_000_000_000  # 2026-09-21


def _seed(hr: HubClient) -> None:
    rows = [
        (
            "0190c1a4-0000-7000-8000-000000000001",
            "RS",
            "hotline_message",
            "FLASH",
            False,
            {"text": "Unidentified aircraft over the Drina", "lang": "en"},
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
    for i, (mid, sender, fam, prec, ex, body) in enumerate(rows):
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


async def test_snapshots(classic_home: Path) -> None:
    hr = HubClient(Home(classic_home), "HR")
    _seed(hr)
    app = HotlineApp(hr, POLICIES, clock=lambda: T, live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        check("inbox", app.export_screenshot())
        if os.environ.get("HOTLINE_UPDATE_SNAPSHOTS") == "1":
            Path(__file__).parents[2].joinpath("docs", "console.svg").write_text(
                app.export_screenshot(title="CBM Hotline — duty officer's console")
            )
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        check("message", app.export_screenshot())
        await pilot.press("escape")
        await pilot.press("c")
        await pilot.pause()
        check("compose", app.export_screenshot())
    hr.store.close()


async def test_filter_sent_items_and_conversation(classic_home: Path) -> None:
    from hotline.client.console.screens import ConversationScreen, SentScreen

    hr = HubClient(Home(classic_home), "HR")
    _seed(hr)
    hr.store.queue(
        "0190c1a4-0000-7000-8000-0000000000aa",
        b"env",
        T,
        {
            "family": "hotline_message",
            "recipients": ("RS",),
            "precedence": "FLASH",
            "exercise": False,
            "body": {"text": "Received, checking now", "lang": "en"},
        },
    )
    hr.store.accepted("0190c1a4-0000-7000-8000-0000000000aa", "1-0")
    hr.store.record_receipt("0190c1a4-0000-7000-8000-0000000000aa", "RS/officer-1", 2, T + 5)
    app = HotlineApp(hr, POLICIES, clock=lambda: T, live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        for ch in "prec:flash":
            await pilot.press(ch)
        await pilot.pause()
        assert [m.sender for m in app.rows] == ["RS"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.rows) == 4
        app.query_one("#filter", Input).value = "party:XK"
        await pilot.pause()
        assert [m.family for m in app.rows] == ["military_activity"]
        app.action_clear_filter()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SentScreen)
        row = app.screen.query_one("#sent").get_row_at(0)  # type: ignore[attr-defined]
        assert "RS:ACK" in str(row[-1])
        await pilot.press("escape")
        await pilot.press("h")  # with the RS FLASH row selected: the hotline with RS
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        chat = str(app.screen.query_one("#chat-text", Static).render())
        assert "RS ▸ Unidentified aircraft over the Drina" in chat
        assert "you ▸ Received, checking now  [ACKNOWLEDGED]" in chat
    hr.store.close()
