"""Text snapshots at 80×24 and 120×35 (fixed clock, no timers), and the README pictures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hotline.client.alerts import keep_alert
from hotline.client.events import SecurityAlert
from tests.client.console.seed import T, offline_app
from tests.client.snapshot import check

DOCS = Path(__file__).parents[3] / "docs"


@pytest.mark.parametrize("size", [(80, 24), (120, 35)])
async def test_snapshots(home: Path, size: tuple[int, int]) -> None:
    app = offline_app(home, clock_ms=T + 12 * 60_000)
    keep_alert(app.client.store, SecurityAlert("x", "bad receipt: signature does not verify"), T)
    name = f"{size[0]}x{size[1]}"
    update = os.environ.get("HOTLINE_UPDATE_SNAPSHOTS") == "1"
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        check(f"inbox-{name}", app.export_screenshot())
        if update and size == (120, 35):
            DOCS.joinpath("console.svg").write_text(
                app.export_screenshot(title="CBM Hotline — the duty officer's inbox")
            )
        await pilot.press("enter")
        await pilot.pause()
        check(f"message-{name}", app.export_screenshot())
        await pilot.press("escape", "c")
        await pilot.pause()
        check(f"compose-{name}", app.export_screenshot())
        await pilot.press("escape", "s")
        await pilot.pause()
        check(f"sent-{name}", app.export_screenshot())
        await pilot.press("escape", "l")
        await pilot.pause()
        check(f"alerts-{name}", app.export_screenshot())
        if update and size == (120, 35):
            DOCS.joinpath("console-alerts.svg").write_text(
                app.export_screenshot(title="CBM Hotline — alerts")
            )
    app.client.store.close()


async def test_everything_fits_80x24(home: Path) -> None:
    """The header, the status line and the key hints are all on screen at 80×24."""
    from tests.client.snapshot import svg_text

    app = offline_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        lines = svg_text(app.export_screenshot()).splitlines()
        assert lines[0].lstrip().startswith("‼ FLASH 1")
        assert "register 0" in lines[0]  # the last count is not cut off
        assert "HR/officer-1" in lines[1]
        assert lines[23].lstrip().startswith("Enter Open") and "Quit" in lines[23]
    app.client.store.close()
