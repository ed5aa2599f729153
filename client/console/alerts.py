"""Every alert this device raised — security and register — persisted in its store,
including those that arrived while the console was closed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable

from ..i18n import N_, _, fmt_time, phrase_text
from ..i18n.alert_phrases import alert_text
from ..store import AlertRow
from .base import HotlineScreen, View
from .errors import guarded

__all__ = ["AlertsScreen"]

KINDS = {"security": N_("security"), "register": N_("register")}


class AlertsScreen(HotlineScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"))]

    def __init__(self, view: View, new_after: int) -> None:
        super().__init__(view)
        self.new_after = new_after  # alerts numbered above it were unseen when it opened

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield DataTable(id="alerts", cursor_type="row")
        yield from self.compose_hints()

    @guarded
    def on_mount(self) -> None:
        table = self.query_one("#alerts", DataTable)
        for col in (N_("UTC"), N_("Kind"), N_("New"), N_("Alert")):
            table.add_column(_(col), key=col)
        table.focus()

    def draw(self) -> None:
        table = self.query_one("#alerts", DataTable)
        if len(table.columns) != 4:
            return
        table.clear()
        rows = self.view.store.alerts(1000)
        for a in rows:
            table.add_row(
                fmt_time(a.at_ms),
                _(KINDS.get(a.kind, a.kind)),
                "●" if a.n > self.new_after else "",
                alert_line(a),
            )
        if not rows:
            table.add_row("", "", "", _("No alerts."))


def alert_line(a: AlertRow) -> str:
    """An alert in the officer's language (as kept, for one kept before alerts had codes)."""
    if a.phrase is None:
        return a.detail
    if a.kind == "security":
        return alert_text(a.phrase.code, a.phrase.params)
    return phrase_text(a.phrase)
