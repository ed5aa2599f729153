"""Sent items: per-recipient state live, overdue answers marked, refused rows in red with
the reason; Enter opens one message's per-recipient timeline with times."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from ..attention import Attention
from ..i18n import N_, _
from .base import HotlineScreen, View
from .errors import guarded
from .messages import Navigate
from .render import sent_cells, sent_status, timeline_lines

__all__ = ["SentScreen", "TimelineScreen"]

COLUMNS = (N_("UTC"), N_("Type"), N_("Prec"), N_("State"), N_("Recipients"))


class SentScreen(HotlineScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("enter", "timeline", N_("Timeline")),
    ]

    def __init__(self, view: View) -> None:
        super().__init__(view)
        self.rows: list[dict[str, Any]] = []
        self.attention = Attention()

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(_("Sent items — per-recipient state, live"), classes="body title")
        yield DataTable(id="sent", cursor_type="row")
        yield from self.compose_hints()

    @guarded
    def on_mount(self) -> None:
        table = self.query_one("#sent", DataTable)
        for col in COLUMNS:
            table.add_column(_(col), key=col)
        table.focus()

    def show_header(self, attention: Attention, status: str, offline: bool) -> None:
        changed = attention.overdue_ids != self.attention.overdue_ids
        self.attention = attention
        super().show_header(attention, status, offline)
        if changed:
            self.refresh_data()

    def draw(self) -> None:
        table = self.query_one("#sent", DataTable)
        if len(table.columns) != len(COLUMNS):  # not set up yet: on_mount comes first
            return
        keep = table.cursor_row
        table.clear()
        store = self.view.store
        self.rows = store.sent(200)
        ranks = store.best_ranks([s["id"] for s in self.rows])
        for s in self.rows:
            overdue = s["id"] in self.attention.overdue_ids
            refused = sent_status(s) == "refused"
            style = "bold white on dark_red" if refused or overdue else ""
            cells = sent_cells(s, ranks.get(s["id"], {}), overdue)
            table.add_row(*(Text(c, style=style) for c in cells), key=s["id"])
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))

    @guarded
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_timeline()

    @guarded
    def action_timeline(self) -> None:
        table = self.query_one("#sent", DataTable)
        if 0 <= table.cursor_row < len(self.rows):
            self.post_message(Navigate("timeline", sent=self.rows[table.cursor_row]))


class TimelineScreen(HotlineScreen):
    """One sent message: each recipient device's delivered / read / acknowledged times."""

    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"))]

    def __init__(self, view: View, sent: dict[str, Any]) -> None:
        super().__init__(view)
        self.sent = sent

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield VerticalScroll(Static(id="timeline", classes="body", markup=False))
        yield from self.compose_hints()

    def draw(self) -> None:
        times = self.view.store.receipt_timeline(self.sent["id"])
        self.query_one("#timeline", Static).update("\n".join(timeline_lines(self.sent, times)))
