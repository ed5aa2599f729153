"""The console app: an inbox that puts what matters first, on top of an injected HubClient."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from hotline.runtime.clock import now_ms

from ..events import ConnectionChanged, MessageReceived, ReceiptUpdated, SecurityAlert
from ..home import Home
from ..hub_client import HubClient
from ..store import InboxRow
from .render import PREC_RANK, alarming, body_lines, inbox_cells

__all__ = ["HotlineApp", "run_console"]


class HotlineApp(App[None]):
    """The duty officer's console. The UI never touches a socket: all goes through ``client``."""

    CSS_PATH = "app.tcss"
    TITLE = "CBM Hotline"
    BINDINGS = [
        Binding("enter", "open", "Open"),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("r", "reply", "Reply"),
        Binding("k", "clarify", "Clarify"),
        Binding("c", "compose", "Compose"),
        Binding("s", "sent", "Sent"),
        Binding("h", "hotline", "Hotline"),
        Binding("v", "verification", "Verify"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self, client: HubClient, policies: list[str], *, clock: Any = now_ms, live: bool = True
    ) -> None:
        super().__init__()
        self.client = client
        self.policies = policies
        self.clock = clock
        self.live = live  # False in snapshot tests: no timers, fixed clock
        self.rows: list[InboxRow] = []
        self.query_text = ""
        self.last_alert = ""
        self.register_alerts: list[str] = []

    def compose(self) -> ComposeResult:
        # markup=False everywhere content comes from messages: "[x]" must show as typed.
        yield Static(id="status", markup=False)
        yield Static(id="alarm", markup=False)
        yield Input(
            placeholder="filter: text, party:RS, family:drone, prec:FLASH, date:2026-11-22",
            id="filter",
        )
        table: DataTable[Any] = DataTable(id="inbox", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="preview", classes="body", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#inbox", DataTable)
        for col in ("Prec", "Sent (UTC)", "From", "Type", "Summary", "You", "✓"):
            table.add_column(col, key=col)
        self.query_one("#filter", Input).display = False
        table.focus()
        self.refresh_inbox()
        self.refresh_status()
        if self.live:
            self.set_interval(1.0, self.refresh_status)
            self.consume_events()

    # -- data --------------------------------------------------------------------
    def visible(self) -> list[InboxRow]:
        rows = self.client.store.inbox(2000)
        for token in self.query_text.split():
            key, _, val = token.partition(":")
            if val and key in ("party", "family", "prec", "date"):
                v = val.lower()
                rows = [
                    m
                    for m in rows
                    if (
                        key == "party"
                        and (m.sender.lower() == v or v in [r.lower() for r in m.recipients])
                    )
                    or (key == "family" and v in m.family)
                    or (key == "prec" and m.precedence.lower().startswith(v))
                    or (
                        key == "date"
                        and v in time.strftime("%Y-%m-%d", time.gmtime(m.created_ms / 1000))
                    )
                ]
            else:
                t = token.lower()
                rows = [m for m in rows if t in (str(m.body) + m.sender + m.family).lower()]
        # What matters first: unacknowledged alarms, then precedence, then newest.
        rows.sort(key=lambda m: (not alarming(m), -PREC_RANK.get(m.precedence, 0), -m.created_ms))
        return rows

    def refresh_inbox(self) -> None:
        table = self.query_one("#inbox", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = self.visible()
        width = max(8, self.size.width - 68)  # the summary gets what the terminal has left
        for m in self.rows:
            cells = inbox_cells(m, width)
            style = "bold white on dark_red" if alarming(m) else ("italic" if m.exercise else "")
            table.add_row(*(Text(c, style=style) for c in cells), key=m.id)
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        alarms = [m for m in self.rows if alarming(m)]
        alarm = self.query_one("#alarm", Static)
        if alarms:
            alarm.update(
                f"‼ {len(alarms)} FLASH/IMMEDIATE not yet acknowledged — select and press a"
            )
        alarm.set_class(bool(alarms), "shown")
        self.show_preview()

    def refresh_status(self) -> None:
        c = self.client
        dot = {
            "connected": "● connected",
            "reconnecting": "◌ reconnecting",
            "connecting": "◌ connecting",
            "refused": "✗ REFUSED",
        }.get(c.state, "○ offline")
        queued = c.store.outbox_count()
        parts = [
            dot,
            f"{queued} queued" if queued else "outbox empty",
            f"roster v{c.roster.version}",
            c.device.id,
        ]
        if c.hub_id:
            parts.insert(2, c.hub_id)
        skew = getattr(c, "clock_skew_ms", 0)
        if abs(skew) > 2000:
            parts.append(f"⚠ clock skew {skew / 1000:+.1f} s")
        parts.append("links " + self.link_summary())
        if self.last_alert:
            parts.append(f"⚠ {self.last_alert}")
        status = self.query_one("#status", Static)
        status.update(" │ ".join(parts))
        status.set_class(c.state not in ("connected",), "offline")

    def link_summary(self) -> str:
        """Which parties' link tests reached us in the last hour (✓) or not (·)."""
        now = self.clock()
        seen = {
            m.sender
            for m in self.client.store.inbox(2000)
            if m.family == "link_test" and now - m.created_ms < 3_600_000
        }
        parties = [
            p for p in self.client.roster.party_codes("party") if p != self.client.device.party
        ]
        return "".join(f"{p}{'✓' if p in seen else '·'}" for p in parties)

    def selected(self) -> InboxRow | None:
        table = self.query_one("#inbox", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def show_preview(self) -> None:
        m = self.selected()
        text = (
            "\n".join(body_lines(m, self.policies, self.clock())[:6])
            if m
            else "No messages. c: compose  h: hotline  s: sent items"
        )
        self.query_one("#preview", Static).update(text)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_preview()

    def on_data_table_row_selected(self, _event: DataTable.RowSelected) -> None:
        self.action_open()

    # -- events from the hub -------------------------------------------------------------
    @work(exclusive=True, group="events")
    async def consume_events(self) -> None:
        q = self.client.subscribe()
        while True:
            ev = await q.get()
            if isinstance(ev, MessageReceived):
                if ev.message.precedence in ("FLASH", "IMMEDIATE"):
                    self.bell()
                self.refresh_inbox()
                if ev.message.family in ("arms_transfer", "annual_information"):
                    self.check_register(ev.message.id)
            elif isinstance(ev, ReceiptUpdated):
                self.refresh_inbox()
                for screen in self.screen_stack:
                    refresh = getattr(screen, "refresh_data", None)
                    if refresh:
                        refresh()
            elif isinstance(ev, SecurityAlert):
                self.last_alert = ev.detail[:80]
                self.notify(
                    ev.detail, title="Security alert", severity="error", timeout=30, markup=False
                )
            elif isinstance(ev, ConnectionChanged):
                self.refresh_status()

    def check_register(self, notice_id: str) -> None:
        """Raise the register alerts this notice caused (ceiling crossed, fast growth)."""
        from ..register import register_for

        _h, alerts, _p = register_for(self.client.store, self.client.device.party)
        for al in alerts:
            if al.notice_id == notice_id:
                self.bell()
                self.register_alerts.append(al.message)
                self.notify(
                    al.message,
                    title="Arms register alert",
                    severity="warning",
                    timeout=60,
                    markup=False,
                )

    # -- actions ---------------------------------------------------------------------------
    def action_open(self) -> None:
        from .screens import MessageScreen

        m = self.selected()
        if m:
            self.run_worker(self.client.mark_read(m.id))
            self.push_screen(MessageScreen(m))

    async def action_acknowledge(self) -> None:
        m = self.selected()
        if m is None:
            return
        await self.client.acknowledge(m.id)
        self.notify(f"Acknowledged {m.family} from {m.sender} (signed receipt sent)")
        self.refresh_inbox()

    def action_reply(self) -> None:
        m = self.selected()
        if m:
            self.open_compose("hotline_message", m.sender, reply_to=m.id)

    def action_clarify(self) -> None:
        m = self.selected()
        if m:
            self.open_compose("clarification_request", m.sender, reply_to=m.id)

    def action_compose(self) -> None:
        self.open_compose("military_activity", "all")

    def open_compose(self, family: str, to: str, reply_to: str | None = None) -> None:
        from .screens import ComposeScreen

        if family == "clarification_request" and reply_to:
            m = self.client.store.get(reply_to)
            if m and m.family == "clarification_request":
                family = "clarification_response"
        self.push_screen(ComposeScreen(family, to, reply_to))

    def action_sent(self) -> None:
        from .screens import SentScreen

        self.push_screen(SentScreen())

    def action_hotline(self) -> None:
        from .screens import ConversationScreen

        m = self.selected()
        party = (
            m.sender
            if m
            else next(
                p for p in self.client.roster.party_codes("party") if p != self.client.device.party
            )
        )
        self.push_screen(ConversationScreen(party))

    def action_verification(self) -> None:
        from .verification import VerificationScreen

        self.push_screen(VerificationScreen.of(self.client, self.policies, self.clock, self.live))

    def on_verification_screen_answer_requested(self, msg: Any) -> None:
        self.open_compose(msg.family, msg.to, reply_to=msg.request_id)

    def action_filter(self) -> None:
        f = self.query_one("#filter", Input)
        f.display = True
        f.focus()

    def action_clear_filter(self) -> None:
        f = self.query_one("#filter", Input)
        f.value = ""
        f.display = False
        self.query_text = ""
        self.refresh_inbox()
        self.query_one("#inbox", DataTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.query_text = event.value
            self.refresh_inbox()


async def run_console(home: Home, as_: str, hub_url: str | None = None) -> None:
    client = HubClient(home, as_, hub_url=hub_url)
    await client.start()
    try:
        await HotlineApp(client, home.policies).run_async()
    finally:
        await client.close()
