"""Messages the console's screens post up to the app: the only way a screen asks for action.

Screens never call the client, never reach into the app: they say what the officer
asked for, and the app (which holds the HubClient) does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

__all__ = ["Acknowledge", "Failed", "Navigate", "OpenMessage", "SendDraft"]


class Navigate(Message):
    """Open a screen by name (``compose``, ``sent``, ``alerts``, ``hotline`` …)."""

    def __init__(self, target: str, **args: Any) -> None:
        super().__init__()
        self.target = target
        self.args = args


class OpenMessage(Message):
    """The officer opened a received message (a signed "read" receipt follows)."""

    def __init__(self, mid: str) -> None:
        super().__init__()
        self.mid = mid


class Acknowledge(Message):
    """The officer confirmed, on the named message, the party's signed acknowledgement."""

    def __init__(self, mid: str) -> None:
        super().__init__()
        self.mid = mid


@dataclass(frozen=True)
class Draft:
    to: str
    family: str
    body: dict[str, Any]
    precedence: str
    exercise: bool
    in_reply_to: str | None = None


class SendDraft(Message):
    """Sign, seal and send ``draft``; ``done(status)`` is called with the outcome."""

    def __init__(self, draft: Draft, done: Any = None) -> None:
        super().__init__()
        self.draft = draft
        self.done = done


class Failed(Message):
    """Something unexpected went wrong in ``where``; the app shows it and keeps running."""

    def __init__(self, where: str, error: BaseException) -> None:
        super().__init__()
        self.where = where
        self.error = error
