"""One received message: every field, the verdict, the deadline, the thread.

Acknowledging happens here and only here, for this message, after a confirmation that
names it (precedence, sender, summary).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..attention import i_owe, message_time
from ..i18n import N_, _, family_name, fmt_time, precedence_name, receipt_state
from ..store import InboxRow
from .base import HotlineScreen, View
from .confirm import ConfirmScreen
from .errors import guarded
from .messages import Acknowledge, Navigate
from .render import body_lines, sent_status, summary

__all__ = ["MessageScreen"]


class MessageScreen(HotlineScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("a", "acknowledge", N_("Acknowledge…")),
        Binding("r", "reply", N_("Reply")),
        Binding("k", "clarify", N_("Clarify/Answer")),
    ]

    def __init__(self, view: View, message: InboxRow) -> None:
        super().__init__(view)
        self.message = message

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield VerticalScroll(Static(id="msg", classes="body", markup=False), id="msg-scroll")
        yield from self.compose_hints()

    @guarded
    def on_mount(self) -> None:
        self.query_one("#msg-scroll").focus()
        if self.view.live:
            self.set_interval(1.0, self.refresh_data)  # deadlines count down

    def draw(self) -> None:
        store = self.view.store
        m = store.get(self.message.id) or self.message
        self.message = m
        sent = store.sent(500)
        answered = {str(s["in_reply_to"]) for s in sent if s.get("in_reply_to")}
        reply = i_owe(m, answered, self.view.policies)
        lines = body_lines(m, self.view.policies, self.view.clock(), reply)
        if m.family in ("drone_flight", "military_activity") and isinstance(
            m.body.get("area"), dict
        ):
            from .geomap import route_map

            lines.append("")
            lines += route_map(m.body["area"], width=min(70, max(30, self.size.width - 4)))
        lines += ["", _("Your state: {state}").format(state=receipt_state(m.my_rank))]
        thread = [
            x
            for x in store.inbox(2000)
            if x.id != m.id and (x.in_reply_to == m.id or m.in_reply_to == x.id)
        ]
        mine = [s for s in sent if s["in_reply_to"] == m.id]
        if thread or mine:
            lines.append(_("Thread:"))
            for x in thread:
                lines.append(f"  ← {fmt_time(message_time(x))} {x.sender} {family_name(x.family)}")
            for s in mine:
                you = _("you")  # outside the f-string: Babel extracts no call inside one
                lines.append(
                    f"  → {fmt_time(message_time(s))} {you} {family_name(s['family'])}"
                    f" ({sent_status(s)})"
                )
        self.query_one("#msg", Static).update("\n".join(lines))

    @guarded
    def action_acknowledge(self) -> None:
        m = self.message
        if m.my_rank >= 2:
            self.notify(_("Already acknowledged."))
            return
        lines = [
            f"{precedence_name(m.precedence)} · {family_name(m.family)} · "
            + _("from {sender}").format(sender=m.sender),
            summary(m.body, 200) or "—",
            _("Sent {time} UTC").format(time=fmt_time(message_time(m))),
        ]
        self.app.push_screen(
            ConfirmScreen(
                _("Sign your party's acknowledgement of this message?"),
                lines,
                _("Sign acknowledgement"),
            ),
            self._confirmed,
        )

    def _confirmed(self, ok: bool | None) -> None:
        if ok:
            self.post_message(Acknowledge(self.message.id))

    @guarded
    def action_reply(self) -> None:
        m = self.message
        self.post_message(Navigate("compose", family="hotline_message", to=m.sender, reply_to=m.id))

    @guarded
    def action_clarify(self) -> None:
        m = self.message
        family = (
            "clarification_response"
            if m.family == "clarification_request"
            else "clarification_request"
        )
        self.post_message(Navigate("compose", family=family, to=m.sender, reply_to=m.id))
