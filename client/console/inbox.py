"""The inbox: what matters first, a search line, a preview; opening is the only action here.

Nothing on this screen signs anything: acknowledging and answering happen on the
opened message. Single-letter keys only move between screens.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from ..attention import Attention, i_owe, message_time
from ..i18n import N_, _, family_name
from ..search import parse, search
from ..store import InboxRow
from .base import HotlineScreen, View
from .errors import guarded
from .messages import Navigate, OpenMessage
from .render import PREC_RANK, alarming, body_lines, inbox_cells

__all__ = ["InboxScreen"]

COLUMNS = (N_("Prec"), N_("UTC"), N_("From"), N_("Type"), N_("Summary"), N_("You"), "✓")


class InboxScreen(HotlineScreen):
    BINDINGS = [
        Binding("enter", "open", N_("Open")),
        Binding("c", "navigate('compose')", N_("Compose")),
        Binding("s", "navigate('sent')", N_("Sent")),
        Binding("h", "navigate('hotline')", N_("Hotline")),
        Binding("l", "navigate('alerts')", N_("Alerts")),
        Binding("v", "navigate('verification')", N_("Verify")),
        Binding("slash", "search", N_("Find")),
        Binding("escape", "clear_search", N_("Clear"), show=False),
        Binding("ctrl+q", "app.quit", N_("Quit")),
    ]

    def __init__(self, view: View) -> None:
        super().__init__(view)
        self.rows: list[InboxRow] = []
        self.query_text = ""
        self.attention = Attention()

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Input(
            placeholder=_("search: Niš  from:RS  to:HR  family:drone  prec:flash  is:unread"),
            id="search",
            select_on_focus=False,
        )
        yield DataTable(id="inbox", cursor_type="row", zebra_stripes=True)
        yield Static(id="preview", classes="body", markup=False)
        yield from self.compose_hints()

    @guarded
    def on_mount(self) -> None:
        table = self.query_one("#inbox", DataTable)
        for col in COLUMNS:
            table.add_column(_(col), key=col)
        self.query_one("#search", Input).display = False
        table.focus()

    def show_header(self, attention: Attention, status: str, offline: bool) -> None:
        changed = attention.overdue_ids != self.attention.overdue_ids
        self.attention = attention
        super().show_header(attention, status, offline)
        if changed:  # an overdue mark appeared or went: the rows must show it
            self.refresh_data()

    # -- data --------------------------------------------------------------------
    def visible_rows(self) -> list[InboxRow]:
        q = parse(self.query_text)
        overdue = self.attention.overdue_ids
        rows = search(
            self.view.store.inbox(2000),
            q,
            overdue=lambda m: m.id in overdue,
            extra=lambda m: family_name(m.family),
        )
        # What matters first: unacknowledged alarms, overdue, precedence, newest.
        rows.sort(
            key=lambda m: (
                not alarming(m),
                m.id not in overdue,
                -PREC_RANK.get(m.precedence, 0),
                -message_time(m),
            )
        )
        return rows

    def draw(self) -> None:
        table = self.query_one("#inbox", DataTable)
        keep = table.cursor_row
        table.clear()
        self.rows = self.visible_rows()
        width = max(8, self.size.width - 66)  # the summary gets what the terminal has left
        for m in self.rows:
            overdue = m.id in self.attention.overdue_ids
            cells = inbox_cells(m, width, overdue)
            style = (
                "bold white on dark_red"
                if alarming(m) or overdue
                else ("italic" if m.exercise else "")
            )
            table.add_row(*(Text(c, style=style) for c in cells), key=m.id)
        if self.rows:
            table.move_cursor(row=min(max(keep, 0), len(self.rows) - 1))
        self.show_preview()

    def selected(self) -> InboxRow | None:
        table = self.query_one("#inbox", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def show_preview(self) -> None:
        m = self.selected()
        if m is None:
            text = (
                _("Nothing matches the search. Esc clears it.")
                if self.query_text
                else _("No messages. c: compose  h: hotline  s: sent items")
            )
        else:
            answered = {str(s["in_reply_to"]) for s in self.view.store.sent(500)}
            reply = i_owe(m, answered, self.view.policies)
            text = "\n".join(body_lines(m, self.view.policies, self.view.clock(), reply)[:5])
        self.query_one("#preview", Static).update(text)

    # -- events --------------------------------------------------------------------
    @guarded
    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self.show_preview()

    @guarded
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    @on(Input.Changed, "#search")
    @guarded
    def search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.refresh_data()

    @on(Input.Submitted, "#search")
    @guarded
    def search_done(self, _event: Input.Submitted) -> None:
        self.query_one("#inbox", DataTable).focus()

    # -- actions -------------------------------------------------------------------
    @guarded
    def action_open(self) -> None:
        m = self.selected()
        if m is not None:
            self.post_message(OpenMessage(m.id))

    @guarded
    def action_navigate(self, target: str) -> None:
        args: dict[str, Any] = {}
        if target == "hotline":
            m = self.selected()
            args["party"] = m.sender if m else (self.view.parties[0] if self.view.parties else "")
        self.post_message(Navigate(target, **args))

    @guarded
    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        box.display = True
        box.focus()

    @guarded
    def action_clear_search(self) -> None:
        box = self.query_one("#search", Input)
        box.value = ""
        box.display = False
        self.query_text = ""
        self.refresh_data()
        self.query_one("#inbox", DataTable).focus()
