"""Widgets every screen shows: the attention header, the connection line, the key hints."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.widgets import Static

from ..attention import Attention
from ..i18n import _

__all__ = ["AttentionBar", "KeyHints", "StatusLine", "attention_text"]


def attention_text(a: Attention) -> str:
    """One line, every count always present so the eye finds each in the same place."""
    parts = [
        _("‼ FLASH {flash} · IMMED {immediate}").format(
            flash=a.unacked_flash, immediate=a.unacked_immediate
        ),
        _("⏰ late: I owe {mine} · owed me {theirs}").format(
            mine=a.overdue_mine, theirs=a.overdue_theirs
        ),
        _("⚠ security {security} · register {register}").format(
            security=a.security_alerts, register=a.register_alerts
        ),
    ]
    return " │ ".join(parts)


class AttentionBar(Static):
    """Counts of what needs the officer now; red while anything does."""

    def show(self, a: Attention) -> None:
        self.update(attention_text(a))
        self.set_class(not a.calm, "alarm")


class StatusLine(Static):
    """Connection, outbox, roster, device, link tests."""

    def show(self, text: str, offline: bool) -> None:
        self.update(text)
        self.set_class(offline, "offline")


class KeyHints(Static):
    """The screen's keys with their names in the officer's language (in place of Footer)."""

    def __init__(self, bindings: Iterable[Binding], **kwargs: object) -> None:
        hints = [f"{_key(b.key)} {_(b.description)}" for b in bindings if b.show and b.description]
        super().__init__("  ".join(hints), markup=False, **kwargs)  # type: ignore[arg-type]


def _key(key: str) -> str:
    first = key.split(",")[0]
    return {"slash": "/", "escape": "Esc", "enter": "Enter", "exclamation_mark": "!"}.get(
        first, first.replace("ctrl+", "^")
    )
