"""No crash reaches the officer: handlers are guarded, failures become an error panel.

Textual stops a widget's message loop (and then the app) on the first exception that
escapes a handler. Every handler of ours is wrapped by :func:`guarded`: the exception is
logged with its traceback (to the device's ``console.log``) and a :class:`Failed` message
goes up; the app shows :class:`ErrorScreen` and carries on.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message_pump import MessagePump
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from ..i18n import N_, _
from .messages import Failed

__all__ = ["ErrorScreen", "guarded", "log"]

log = logging.getLogger("hotline.console")
F = TypeVar("F", bound=Callable[..., Any])


def _report(node: MessagePump, fn: Callable[..., Any], exc: Exception) -> None:
    where = f"{type(node).__name__}.{fn.__name__}"
    log.error("unexpected error in %s", where, exc_info=exc)
    node.post_message(Failed(where, exc))


def guarded(fn: F) -> F:
    """Run a handler; an unexpected exception is logged and reported, never raised."""
    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(self: MessagePump, *args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(self, *args, **kwargs)
            except Exception as exc:
                _report(self, fn, exc)
                return None

        return run_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def run(self: MessagePump, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(self, *args, **kwargs)
        except Exception as exc:
            _report(self, fn, exc)
            return None

    return run  # type: ignore[return-value]


class ErrorScreen(ModalScreen[None]):
    """The panel an unexpected error becomes: what happened, where the details are."""

    BINDINGS = [Binding("escape", "close", N_("Close"))]

    def __init__(self, where: str, error: BaseException, log_path: Path | None) -> None:
        super().__init__()
        self.where = where
        self.error = error
        self.log_path = log_path

    def compose(self) -> ComposeResult:
        details = (
            _("Details are in {path}.").format(path=self.log_path)
            if self.log_path
            else _("Details are in the console's log.")
        )
        yield Vertical(
            Label(_("Something went wrong — the console keeps running."), classes="title"),
            Label(f"{self.where}: {type(self.error).__name__}: {self.error}", markup=False),
            Label(details, markup=False),
            Label(_("Nothing was signed or sent by this error."), markup=False),
            Button(_("Close"), id="close", variant="primary"),
            id="error-panel",
        )

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
