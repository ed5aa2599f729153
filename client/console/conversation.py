"""The hotline with one other party's crisis centre: messages and receipts in order."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from ..attention import message_time
from ..i18n import N_, _, fmt_time, receipt_state
from .base import HotlineScreen, View
from .confirm import ConfirmScreen
from .errors import guarded
from .messages import Draft, SendDraft

__all__ = ["ConversationScreen"]


class ConversationScreen(HotlineScreen):
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"))]

    def __init__(self, view: View, party: str) -> None:
        super().__init__(view)
        self.party = party

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static(_("Hotline with {party}").format(party=self.party), classes="body title")
        yield VerticalScroll(Static(id="chat-text", classes="body", markup=False), id="chat")
        yield Input(
            placeholder=_("message to {party} — Enter sends FLASH, asks first").format(
                party=self.party
            ),
            id="say",
            select_on_focus=False,
        )
        yield from self.compose_hints()

    @guarded
    def on_mount(self) -> None:
        self.query_one("#say", Input).focus()

    def draw(self) -> None:
        store = self.view.store
        items: list[tuple[int, str]] = []
        for m in store.inbox(2000):
            if m.sender == self.party and m.family == "hotline_message":
                tag = m.body.get("lang")
                text = f"[{tag}] {m.body.get('text', '')}" if tag else str(m.body.get("text", ""))
                t = message_time(m)
                items.append(
                    (t, f"{fmt_time(t)} {self.party} ▸ {text}  ({receipt_state(m.my_rank)})")
                )
        sent = [
            s
            for s in store.sent(500)
            if s["family"] == "hotline_message" and self.party in s["recipients"]
        ]
        ranks = store.best_ranks([s["id"] for s in sent])
        for s in sent:
            state = receipt_state(ranks.get(s["id"], {}).get(self.party, -1))
            t = message_time(s)
            you = _("you")  # outside the f-string: Babel extracts no call inside one
            items.append((t, f"{fmt_time(t)} {you} ▸ {s['body'].get('text', '')}  ({state})"))
        items.sort()
        self.query_one("#chat-text", Static).update(
            "\n".join(t for _t, t in items) or _("(no messages yet)")
        )

    def _confirmed(self, ok: bool | None, draft: Draft, done: Callable[[bool], None]) -> None:
        if ok:
            self.post_message(SendDraft(draft, done))

    @guarded
    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        draft = Draft(
            self.party, "hotline_message", {"text": text, "lang": self.view.lang}, "FLASH", False
        )

        def done(ok: bool) -> None:
            if ok:
                event.input.value = ""
                self.refresh_data()

        self.app.push_screen(
            ConfirmScreen(
                _("Sign and send this LIVE FLASH message to {party}?").format(party=self.party),
                [text],
                _("Sign and send"),
            ),
            lambda ok: self._confirmed(ok, draft, done),
        )
