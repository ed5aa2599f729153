"""What every console screen shares: the data it is handed, the header, safe refreshes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.screen import Screen

from ..attention import Attention
from ..store import Store
from .errors import guarded
from .widgets import AttentionBar, KeyHints, StatusLine

__all__ = ["HotlineScreen", "View"]


@dataclass(frozen=True)
class View:
    """Attributes handed down to every screen in ``__init__``: read-only data and settings."""

    store: Store  # screens read it; every write goes through the app and the client
    party: str
    device: str
    policies: list[str]
    parties: tuple[str, ...]  # the other parties (hotline, link tests)
    lang: str = "en"
    clock: Callable[[], int] = field(default=lambda: 0)
    live: bool = True  # False in snapshot tests: no timers
    log_path: Path | None = None
    # the one check behind `hotline check` and the compose verdict (issue 18):
    # (family, body, to, now_ms, reply_to) -> verdicts
    check: Callable[[str, dict[str, Any], str, int, str | None], list[Any]] | None = None


class HotlineScreen(Screen[None]):
    """A screen with the attention header and status line on top and key hints below.

    The app hands it the latest counts with :meth:`show_header` and asks it to
    :meth:`refresh_data`; both are safe before the screen is mounted (they do nothing
    then: ``on_mount`` draws it whole) and after it is gone.
    """

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view
        self._header: tuple[Attention, str, bool] | None = None

    def compose_header(self) -> ComposeResult:
        yield AttentionBar(id="attention", markup=False)
        yield StatusLine(id="status", markup=False)

    def compose_hints(self) -> ComposeResult:
        yield KeyHints(self._bindings_for_hints(), id="hints")

    def _bindings_for_hints(self) -> list[Binding]:
        return [b for b in type(self).BINDINGS if isinstance(b, Binding)]

    @guarded
    def show_header(self, attention: Attention, status: str, offline: bool) -> None:
        self._header = (attention, status, offline)
        if self.is_mounted:
            self._paint_header()

    def _paint_header(self) -> None:
        if self._header is None:
            return
        attention, status, offline = self._header
        try:
            self.query_one("#attention", AttentionBar).show(attention)
            self.query_one("#status", StatusLine).show(status, offline)
        except NoMatches:  # composed but not yet laid out: on_mount draws it
            return

    @guarded
    def refresh_data(self) -> None:
        """Redraw from the store; safe before mount (does nothing) and after."""
        if not self.is_mounted:
            return
        try:
            self.draw()
        except NoMatches:
            return

    def draw(self) -> None:
        """Redraw what this screen shows (called only once it is composed)."""

    @guarded
    def on_mount(self) -> None:
        self._paint_header()
        self.draw()
