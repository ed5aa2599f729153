"""The compose screen shows the same treaty check as ``hotline check``."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from textual.widgets import Input, Static

from hotline.client.console.app import HotlineApp
from hotline.client.console.compose import ComposeScreen
from hotline.client.console.messages import Navigate
from hotline.client.i18n.verdicts import verdict_text
from hotline.client.verification import check_message
from tests.client.verification_seed import (
    ALL,
    NOW,
    POLICIES,
    seeded_client,
)
from tests.conftest import TIMEOUT_FACTOR
from tests.treaty_cases import inspection_request


async def test_compose_shows_the_same_check_as_the_cli(classic_home: Path) -> None:
    hr = seeded_client(classic_home, "HR")
    app = HotlineApp(hr, POLICIES, clock=lambda: NOW, live=False)
    async with app.run_test(size=(120, 45)) as pilot:
        app.on_navigate(Navigate("compose", family="inspection_request", to="all"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        await asyncio.wait_for(screen.fields_ready.wait(), 10 * TIMEOUT_FACTOR)
        body = inspection_request("2027-06-10", "HR", team=[{"name": "A", "party": "HR"}])
        for name in ("inspecting", "inspected", "start", "end", "grounds"):
            screen.query_one(f"#f-{name}", Input).value = str(body[name])
        screen.query_one("#f-area", Input).value = json.dumps(body["area"])
        screen.query_one("#f-team", Input).value = json.dumps(body["team"])
        await pilot.pause()
        shown = str(screen.query_one("#verdict", Static).render())
        expected = check_message(
            hr.store,
            hr.roster,
            "HR",
            "inspection_request",
            screen.validate_form(),
            recipients=[p for p in ALL if p != "HR"],
            policies=POLICIES,
            now_ms=NOW,
        )
        # the same verdicts; the console says them in the officer's language and formats
        assert [verdict_text(v) for v in expected.verdicts] == shown.splitlines()
        assert "quota from HR exhausted: RS may decline (1 of 1 from HR in 2027, §76)" in shown
    hr.store.close()
