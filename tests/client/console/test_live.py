"""The console driven with Textual's Pilot against a real hub, plus text snapshots."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from textual.widgets import Input, Static

from hotline.client.console.app import HotlineApp
from hotline.client.console.compose import ComposeScreen
from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.server.redis_process import RedisProcess, free_port
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client, start_hub

T = 10 * TIMEOUT_FACTOR  # one bound for every wait here

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
                assert await rs.wait_connected(T) and await hr.wait_connected(T)
                res = await rs.send(
                    "HR",
                    "hotline_message",
                    {"text": "Unidentified aircraft near Vukovar", "lang": "en"},
                    precedence="FLASH",
                )
                inbox = app.screen
                await until(pilot, lambda: any(m.id == res.id for m in inbox.rows))  # type: ignore[attr-defined]
                assert inbox.query_one("#attention").has_class("alarm")
                assert "‼ FLASH 1" in str(inbox.query_one("#attention").render())
                assert "‼ FLASH" in str(inbox.query_one("#inbox").get_row_at(0)[0])
                await pilot.press("enter", "a")  # open it; acknowledging asks first
                await pilot.pause()
                await pilot.press("tab", "enter")  # "Sign acknowledgement"
                await until(
                    pilot, lambda: "‼ FLASH 0" in str(app.screen.query_one("#attention").render())
                )
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
        await asyncio.wait_for(screen.fields_ready.wait(), 10 * TIMEOUT_FACTOR)
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
            await until(pilot, lambda: not isinstance(app.screen, ComposeScreen))
            await pilot.pause()
            status = app.screen.query_one("#status", Static)
            await until(pilot, lambda: "1 queued" in str(status.render()))
            assert "offline" in str(status.render()) or "connecting" in str(status.render())
            hub = await start_hub(home, redis_server.url, port=port)
            await until(pilot, lambda: "outbox empty" in str(status.render()), 40)
            assert "● connected" in str(status.render())
    finally:
        await hr.close()
        if hub:
            await hub.stop()
