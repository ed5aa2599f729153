"""Nothing signed by accident: every printable key, typed into every focusable widget of
every screen, signs nothing; acknowledging takes the opened message and a confirmation."""

from __future__ import annotations

import asyncio
import string
from pathlib import Path

import pytest
from textual import events
from textual.app import _character_to_key
from textual.widget import Widget

from hotline.client.console.app import HotlineApp
from hotline.client.console.compose import ComposeScreen
from hotline.client.console.confirm import ConfirmScreen
from hotline.client.console.errors import ErrorScreen
from hotline.client.console.message import MessageScreen
from hotline.client.console.messages import Failed, Navigate, OpenMessage
from tests.client.console.seed import FLASH_ID, SENT_ID, offline_app, signed
from tests.conftest import TIMEOUT_FACTOR

# every printable ASCII character, and letters an officer of the region types
KEYS = [c for c in string.printable if c not in "\t\n\r\x0b\x0c"] + list("čćđšžëçшђљ")


async def _open(app: HotlineApp, pilot: object, screen: str) -> None:
    """Bring the app to ``screen`` (from the inbox) without a printable key."""
    if screen == "inbox":
        return
    if screen == "message":
        app.post_message(OpenMessage(FLASH_ID))
    elif screen == "confirm":
        app.post_message(OpenMessage(FLASH_ID))
        await pilot.pause()  # type: ignore[attr-defined]
        assert isinstance(app.screen, MessageScreen)
        app.screen.action_acknowledge()
    elif screen == "timeline":
        app.post_message(Navigate("timeline", sent=app.client.store.sent(10)[0]))
    elif screen == "error":
        app.post_message(Failed("test", RuntimeError("boom")))
    elif screen == "hotline":
        app.post_message(Navigate("hotline", party="RS"))
    else:
        app.post_message(Navigate(screen))
    await pilot.pause()  # type: ignore[attr-defined]


async def type_keys(app: HotlineApp, pilot: object, keys: list[str]) -> None:
    """Type ``keys`` as a fast typist does: all queued at once, as the terminal would
    deliver them (Pilot.press waits for the screen between keys: 40 ms each)."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        event = events.Key(name, key)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


def _focusables(app: HotlineApp) -> list[Widget]:
    return [w for w in app.screen.focus_chain if w.focusable]


SCREENS = [
    "inbox",
    "message",
    "confirm",
    "compose",
    "sent",
    "timeline",
    "hotline",
    "alerts",
    "error",
]


@pytest.mark.parametrize("screen", SCREENS)
async def test_printable_keys_sign_nothing(home: Path, screen: str) -> None:
    app = offline_app(home, read=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await _open(app, pilot, screen)
        n = len(_focusables(app))
        assert n, f"{screen} has nothing to focus"
        for i in range(n):
            # back to the screen under test, then into its i-th focusable widget
            while len(app.screen_stack) > 2:
                app.pop_screen()
            await pilot.pause()
            await _open(app, pilot, screen)
            widgets = _focusables(app)
            if i >= len(widgets):
                break
            widgets[i].focus()
            await pilot.pause()
            await type_keys(app, pilot, KEYS)
            assert signed(app) == ([], []), f"{screen}: typing into {widgets[i]!r} signed"
            assert app.client.store.get(FLASH_ID).my_rank < 2  # type: ignore[union-attr]
        assert app.is_running
    app.client.store.close()


async def test_acknowledge_only_on_the_opened_message_after_confirming(home: Path) -> None:
    app = offline_app(home, read=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("a")  # on the inbox: nothing
        await pilot.press("s", "a", "escape")  # on Sent: nothing either
        await pilot.pause()
        assert signed(app) == ([], [])
        await pilot.press("enter")  # the FLASH, first row: opened
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen) and app.screen.message.id == FLASH_ID
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = " ".join(str(lb.render()) for lb in app.screen.query("Label"))
        assert "FLASH" in text and "RS" in text and "Unidentified aircraft" in text
        await pilot.press("enter")  # focus starts on Cancel: Enter cancels
        await pilot.pause()
        assert signed(app) == ([], []) and isinstance(app.screen, MessageScreen)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("tab", "enter")  # to "Sign acknowledgement", and press it
        await pilot.pause()
        _out, receipts = signed(app)
        assert [(mid, rank) for mid, rank, _d in receipts] == [(FLASH_ID, 2)]
        assert app.client.store.get(FLASH_ID).my_rank == 2  # type: ignore[union-attr]
        assert not app.client.store.receipts(SENT_ID).get("HR/officer-1")
    app.client.store.close()


async def test_forms_open_in_their_first_text_field(home: Path) -> None:
    app = offline_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        await asyncio.wait_for(app.screen.fields_ready.wait(), 10 * TIMEOUT_FACTOR)
        assert app.focused is not None and app.focused.id == "f-name"
        for ch in "Vježba":
            await pilot.press(ch)
        assert app.screen.query_one("#f-name").value == "Vježba"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await pilot.press("h")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "say"
    app.client.store.close()


async def test_error_panel_keeps_the_console_running(home: Path) -> None:
    app = offline_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        inbox = app.screen
        inbox.draw = lambda: 1 / 0  # type: ignore[method-assign]
        inbox.refresh_data()  # guarded: logged, reported, not raised
        await pilot.pause()
        assert isinstance(app.screen, ErrorScreen)
        assert "ZeroDivisionError" in " ".join(str(x.render()) for x in app.screen.query("Label"))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is inbox and app.is_running
    app.client.store.close()
