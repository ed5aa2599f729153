"""Attention always in sight: header counts, overdue marks, the bell, alerts, timelines."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from hotline.client.alerts import keep_alert
from hotline.client.console.alerts import AlertsScreen
from hotline.client.console.app import HotlineApp
from hotline.client.console.bell import Bell
from hotline.client.console.conversation import ConversationScreen
from hotline.client.console.message import MessageScreen
from hotline.client.console.messages import Navigate
from hotline.client.console.sent import SentScreen, TimelineScreen
from hotline.client.events import SecurityAlert
from hotline.client.home import Home
from hotline.client.store import Store
from hotline.protocol.policy_phrases import Phrase
from tests.client.console.seed import FLASH_ID, SENT_ID, T, offline_app

LATE = T + 20 * 60_000  # 20 minutes on: both hotline deadlines (10 min) have passed


def header(app: HotlineApp) -> str:
    return str(app.screen.query_one("#attention", Static).render())


async def test_header_counts_and_overdue_rows(home: Path) -> None:
    app = offline_app(home, clock_ms=LATE)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        text = header(app)
        # RS's FLASH hotline message: unacknowledged and its 10-minute ack is overdue;
        # our FLASH to RS, BA: BA has not acknowledged, past the deadline.
        assert "‼ FLASH 1 · IMMED 1" in text
        assert "I owe 1 · owed me 1" in text
        assert app.screen.query_one("#attention").has_class("alarm")
        row = app.screen.query_one("#inbox", DataTable).get_row(FLASH_ID)
        assert str(row[5]).startswith("⏰")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SentScreen)
        sent = app.screen.query_one("#sent", DataTable).get_row(SENT_ID)
        assert str(sent[3]).startswith("⏰") and "RS:ACK BA:dlvd" in str(sent[4])
        assert "I owe 1 · owed me 1" in header(app)  # the header is on every screen
    app.client.store.close()


async def test_filters_keep_the_header_and_search_folds_scripts(home: Path) -> None:
    app = offline_app(home, clock_ms=LATE)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("slash")
        for ch in "Ниш":
            await pilot.press(ch)
        await pilot.pause()
        inbox = app.screen
        assert [m.id for m in inbox.rows] == [FLASH_ID]  # type: ignore[attr-defined]
        inbox.query_one("#search", Input).value = "from:XK"
        await pilot.pause()
        assert [m.sender for m in inbox.rows] == ["XK"]  # type: ignore[attr-defined]
        inbox.query_one("#search", Input).value = "is:overdue"
        await pilot.pause()
        assert [m.id for m in inbox.rows] == [FLASH_ID]  # type: ignore[attr-defined]
        assert "‼ FLASH 1" in header(app)  # filtering hides no count
        await pilot.press("escape")
        await pilot.pause()
        assert len(inbox.rows) == 4  # type: ignore[attr-defined]
    app.client.store.close()


async def test_countdown_stops_once_acknowledged(home: Path) -> None:
    app = offline_app(home, clock_ms=T + 60_000, read=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        body = lambda: str(app.screen.query_one("#msg", Static).render())  # noqa: E731
        assert "due in 9 mins" in body()
        app.client.store.set_my_rank(FLASH_ID, 2)  # as the client does on acknowledge
        app.refresh_all()
        await pilot.pause()
        assert "due in" not in body() and "OVERDUE" not in body()
        assert "the deadline is met" in body()
    app.client.store.close()


def test_bell_repeats_until_acknowledged() -> None:
    bell = Bell(every_s=30)
    bell.rang(0)  # the FLASH arrived
    assert not bell.due(10_000, unacked_flash=1)
    assert bell.due(30_000, unacked_flash=1)
    assert not bell.due(45_000, unacked_flash=1)
    assert bell.due(60_000, unacked_flash=1)
    assert not bell.due(90_000, unacked_flash=0)  # acknowledged: silent from now on
    assert not bell.due(200_000, unacked_flash=0)


async def test_alerts_screen_lists_alerts_raised_while_it_was_closed(home: Path) -> None:
    # a `hotline listen` earlier kept this one in the device's store
    dev = Home(home).device("HR")
    store = Store(dev.directory / "store.sqlite")
    keep_alert(store, SecurityAlert("x", "forked history: checkpoints disagree"), T - 5_000)
    store.close()
    app = offline_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "security 1" in header(app)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)
        row = app.screen.query_one("#alerts", DataTable).get_row_at(0)
        assert "forked history" in str(row[3]) and str(row[2]) == "●"
        await pilot.press("escape")
        await pilot.pause()
        assert "security 0" in header(app)  # looked at: out of the count, still listed
        assert len(app.client.store.alerts()) == 1
    app.client.store.close()


def _store(home: Path) -> Store:
    return Store(Home(home).device("HR").directory / "store.sqlite")


async def _newest_alert_shown(home: Path, lang: str) -> str:
    """The newest row of the Alerts screen of a console opened in ``lang``."""
    app = offline_app(home, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)
        text = str(app.screen.query_one("#alerts", DataTable).get_row_at(0)[3])
    app.client.store.close()
    return text


async def test_a_register_alert_is_listed_in_the_officers_language(home: Path) -> None:
    # kept in English and as its phrase by an earlier command; shown in Croatian here
    said = Phrase(
        "register.ceiling",
        {"party": "RS", "category": "combat_aircraft", "projected": 26, "limit": 24},
    )
    store = _store(home)
    store.add_alert("register", said.text, T - 5_000, "rs-rafale", key="k", phrase=said)
    store.close()
    shown = await _newest_alert_shown(home, "hr")
    assert shown == "RS borbeni zrakoplovi: projekcija 26 premašuje gornju granicu od 24"


async def test_a_security_alert_is_said_in_the_officers_language(home: Path) -> None:
    alert = SecurityAlert.of("d-1", "delivery_refused", reason="bad_signature: does not verify")
    assert alert.detail == "refused delivery: bad_signature: does not verify"  # logs, store
    store = _store(home)
    keep_alert(store, alert, T - 5_000)
    store.close()
    # the sentence in the officer's language, the protocol's reason as evidence
    shown = await _newest_alert_shown(home, "sr-Cyrl")
    assert shown == "одбијена испорука: bad_signature: does not verify"


async def test_timeline_of_a_sent_message_and_the_hotline(home: Path) -> None:
    app = offline_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TimelineScreen)
        text = str(app.screen.query_one("#timeline", Static).render())
        assert "RS/officer-1: delivered 21 Sept 14:13 → acknowledged 21 Sept 14:14" in text
        assert "BA/officer-1: delivered 21 Sept 14:13" in text
        await pilot.press("escape", "escape")
        app.post_message(Navigate("hotline", party="RS"))
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        chat = str(app.screen.query_one("#chat-text", Static).render())
        assert "RS ▸ [en] Unidentified aircraft" in chat
        assert "you ▸ Received, checking now  (acknowledged)" in chat
    app.client.store.close()


async def test_refused_sent_rows_are_red_with_the_reason(home: Path) -> None:
    app = offline_app(home)
    st = app.client.store
    st.queue(
        "0190c1a4-0000-7000-8000-0000000000bb",
        b"e",
        T + 1,
        {
            "family": "link_test",
            "recipients": ["RS"],
            "precedence": "ROUTINE",
            "exercise": False,
            "body": {},
        },
    )
    st.refused("0190c1a4-0000-7000-8000-0000000000bb", "family_not_allowed: not for feeds")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        row = app.screen.query_one("#sent", DataTable).get_row(
            "0190c1a4-0000-7000-8000-0000000000bb"
        )
        assert "REFUSED" in str(row[3]) and "family_not_allowed" in str(row[4])
        assert "on dark_red" in str(row[3].style)  # type: ignore[attr-defined]
    st.close()
