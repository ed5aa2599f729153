"""Confirmations for what signs: they name what is signed, and no printable key confirms.

Focus starts on Cancel; the officer moves to the signing button (Tab or →) and presses
Enter. A stray letter typed at any point signs nothing.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from ..i18n import N_, _

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """``question`` with the lines that name the object; True only by the confirm button."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("left,right", "app.focus_next", show=False),
    ]

    def __init__(self, title: str, lines: list[str], confirm: str) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(self.title_text, classes="title", markup=False)
            for line in self.lines:
                yield Label(line, markup=False, classes="wrap")
            yield Label(_("Tab to choose, Enter to press, Esc to cancel."), classes="hint")
            with Horizontal(id="confirm-buttons"):
                yield Button(_("Cancel"), id="cancel")
                yield Button(self.confirm, id="yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_cancel(self) -> None:
        self.dismiss(False)
