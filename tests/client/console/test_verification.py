"""The console's Verification screen: the ledger, and the answer it asks for."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from hotline.client.console.app import HotlineApp
from hotline.client.console.compose import ComposeScreen
from hotline.client.console.verification import VerificationScreen
from tests.client.verification_seed import (
    NOW,
    POLICIES,
    REQ,
    seeded_client,
)


async def test_verification_screen_shows_the_ledger_and_asks_to_answer(classic_home: Path) -> None:
    rs = seeded_client(classic_home, "RS")
    app = HotlineApp(rs, POLICIES, clock=lambda: NOW, live=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, VerificationScreen)
        table = screen.query_one("#ver-requests", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:2] == ["inspection", "HR→RS"] and row[3] == "accepted" and row[4] == "LATE"
        head = str(screen.query_one("#ver-head", Static).render())
        assert "vienna-2011" in head
        await pilot.press("p")
        assert "regional-2026 (EXAMPLE)" in str(screen.query_one("#ver-head", Static).render())
        reports = screen.query_one("#ver-reports", DataTable)
        assert str(reports.get_row_at(0)[3]).startswith("✓ BA/officer-1")
        await pilot.press("r")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert (compose.family, compose.reply_to, compose.to) == ("inspection_response", REQ, "HR")
    rs.store.close()
