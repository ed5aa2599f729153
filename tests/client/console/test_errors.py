"""No crash reaches the officer: the a,s race, refreshes before mount, a real crash."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from hotline.client.console.errors import ErrorScreen
from hotline.client.console.sent import SentScreen
from hotline.client.events import ReceiptUpdated
from tests.client.console.seed import SENT_ID, offline_app, signed
from tests.client.console.test_keys import type_keys


async def test_a_then_s_with_a_receipt_arriving_does_not_crash(home: Path) -> None:
    app = offline_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for _ in range(5):
            await type_keys(app, pilot, [])  # settle
            app._driver.send_message  # noqa: B018 - the driver is there
            await type_keys(app, pilot, ["a", "s"])
            # a receipt lands while the Sent screen is still being mounted
            app.on_client_event(ReceiptUpdated(SENT_ID, "RS/officer-1", "read"))
            await pilot.pause()
            assert isinstance(app.screen, SentScreen), app.screen
            table = app.screen.query_one("#sent", DataTable)
            assert table.row_count == 1
            await pilot.press("escape")
        assert app.is_running and signed(app) == ([], [])
    app.client.store.close()


async def test_refresh_of_a_screen_not_yet_mounted_is_harmless(home: Path) -> None:
    app = offline_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = SentScreen(app.view)
        screen.refresh_data()  # before it is even pushed
        app.push_screen(screen)
        screen.refresh_data()  # pushed, not yet mounted
        app.refresh_all()
        await pilot.pause()
        assert not isinstance(app.screen, ErrorScreen)
        assert screen.query_one("#sent", DataTable).row_count == 1
    app.client.store.close()
