"""Screens: read a message, compose, sent items, a hotline conversation, confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Checkbox, DataTable, Footer, Input, Label, Select, Static

from hotline.protocol import FAMILIES, PRECEDENCES, ProtocolError, default_precedence
from hotline.protocol import validate_body as validate

from ..store import InboxRow
from ..verification import compose_check
from .forms import FORMS, build_body
from .render import LABELS, PREC_MARK, STATE, body_lines, fmt_time

if TYPE_CHECKING:
    from .app import HotlineApp

__all__ = ["ComposeScreen", "ConfirmScreen", "ConversationScreen", "MessageScreen", "SentScreen"]


class _Base(Screen[None]):
    @property
    def happ(self) -> HotlineApp:
        return self.app  # type: ignore[return-value]


class MessageScreen(_Base):
    """Every field for a person, the signature, the policy verdict, the thread."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "acknowledge", "Acknowledge"),
        Binding("r", "reply", "Reply"),
        Binding("k", "clarify", "Clarify/Answer"),
    ]

    def __init__(self, m: InboxRow) -> None:
        super().__init__()
        self.m = m

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static(id="msg", classes="body", markup=False))
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        if self.happ.live:
            self.set_interval(1.0, self.refresh_data)  # deadlines count down

    def refresh_data(self) -> None:
        store = self.happ.client.store
        m = store.get(self.m.id) or self.m
        lines = body_lines(m, self.happ.policies, self.happ.clock())
        if m.family in ("drone_flight", "military_activity") and isinstance(
            m.body.get("area"), dict
        ):
            from .geomap import route_map

            lines.append("")
            lines += route_map(m.body["area"], width=min(70, max(30, self.size.width - 4)))
        lines.append("")
        lines.append(f"Your state: {STATE.get(m.my_rank, '?')}")
        thread = [
            x
            for x in store.inbox(2000)
            if x.id != m.id and (x.in_reply_to == m.id or m.in_reply_to == x.id)
        ]
        sent = [s for s in store.sent(500) if s["in_reply_to"] == m.id]
        if thread or sent:
            lines.append("Thread:")
            for x in thread:
                lines.append(f"  ← {fmt_time(x.created_ms)} {x.sender} {LABELS[x.family]}")
            for s in sent:
                lines.append(
                    f"  → {fmt_time(s['created_ms'])} you {LABELS[s['family']]} ({s['state']})"
                )
        self.query_one("#msg", Static).update("\n".join(lines))

    async def action_acknowledge(self) -> None:
        await self.happ.client.acknowledge(self.m.id)
        self.happ.notify("Acknowledged (signed receipt sent)")
        self.happ.refresh_inbox()
        self.refresh_data()

    def action_reply(self) -> None:
        self.happ.open_compose("hotline_message", self.m.sender, reply_to=self.m.id)

    def action_clarify(self) -> None:
        self.happ.open_compose("clarification_request", self.m.sender, reply_to=self.m.id)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [Binding("y", "yes", "Send"), Binding("n,escape", "no", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Vertical(
            Label(self.question, markup=False), Label("y: send   n: cancel"), id="confirm"
        )

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class ComposeScreen(_Base):
    """Any catalogue family through a form, validated live with the policy verdict."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Cancel"), Binding("ctrl+s", "send", "Send")]

    def __init__(self, family: str, to: str, reply_to: str | None = None) -> None:
        super().__init__()
        self.family = family
        self.to = to
        self.reply_to = reply_to

    def compose(self) -> ComposeResult:
        fams = [(LABELS[f], f) for f in FAMILIES if f in FORMS]
        with Horizontal(id="compose-head"):
            yield Select(fams, value=self.family, allow_blank=False, id="family")
            yield Input(value=self.to, placeholder="to: HR,BA or all", id="to")
            yield Select(
                [(PREC_MARK[p], p) for p in reversed(PRECEDENCES)],
                value=default_precedence(self.family),
                allow_blank=False,
                id="prec",
            )
            yield Checkbox("EXERCISE", id="exercise")
        yield Static(id="verdict", markup=False)
        yield VerticalScroll(id="fields")
        yield Footer()

    async def on_mount(self) -> None:
        await self.build_fields()

    async def build_fields(self) -> None:
        box = self.query_one("#fields", VerticalScroll)
        await box.remove_children()
        for name, _kind, placeholder in FORMS[self.family]:
            await box.mount(
                Horizontal(
                    Label(name.replace("_", " ")),
                    Input(placeholder=placeholder, id=f"f-{name}", compact=True),
                    Label("", id=f"e-{name}", classes="err", markup=False),
                    classes="field",
                )
            )
        self.validate_form()

    def values(self) -> dict[str, str]:
        return {
            name: self.query_one(f"#f-{name}", Input).value for name, _k, _p in FORMS[self.family]
        }

    def validate_form(self) -> tuple[dict[str, Any] | None, str]:
        body, errors = build_body(self.family, self.values())
        clean = None
        if not errors:
            try:
                clean = validate(self.family, body)
            except ProtocolError as exc:
                errors[exc.field or ""] = exc.message.partition(": ")[2] or exc.message
        for name, _k, _p in FORMS[self.family]:
            self.query_one(f"#e-{name}", Label).update(errors.get(name, ""))
        other = [
            f"{k}: {v}"
            for k, v in errors.items()
            if k not in {n for n, _k, _p in FORMS[self.family]}
        ]
        if clean is not None:
            now, to = self.happ.clock(), self.query_one("#to", Input).value
            vs = compose_check(  # the same check as `hotline check` (issue 18)
                self.happ.client, self.family, clean, to, self.happ.policies, now, self.reply_to
            ).verdicts
            text = "\n".join(self.verdict_line(v) for v in vs)
        else:
            text = "Fill in the form: " + "; ".join(
                other or [f"{k}: {v}" for k, v in errors.items()]
            )
        self.query_one("#verdict", Static).update(text)
        return clean, text

    def verdict_line(self, v: Any) -> str:
        if self.family == "military_activity":
            troops = self.values().get("troops") or "0"
            return f"With {troops} troops this exercise is {v.summary()}"
        return v.summary()

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "family" and event.value != self.family:
            self.family = str(event.value)
            self.query_one("#prec", Select).value = default_precedence(self.family)
            await self.build_fields()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("f-"):
            self.validate_form()

    def action_send(self) -> None:
        clean, _ = self.validate_form()
        if clean is None:
            self.happ.notify("Fix the fields marked in red first", severity="error")
            return
        prec = str(self.query_one("#prec", Select).value)
        exercise = self.query_one("#exercise", Checkbox).value
        to = self.query_one("#to", Input).value
        if prec == "FLASH" and not exercise:
            self.happ.push_screen(
                ConfirmScreen(
                    f"Send a LIVE FLASH {LABELS[self.family]} to {to}? It is not marked EXERCISE."
                ),
                lambda ok: self._send(clean, prec, exercise, to) if ok else None,
            )
        else:
            self._send(clean, prec, exercise, to)

    def _send(self, body: dict[str, Any], prec: str, exercise: bool, to: str) -> None:
        self.run_worker(self._do_send(body, prec, exercise, to), exclusive=True)

    async def _do_send(self, body: dict[str, Any], prec: str, exercise: bool, to: str) -> None:
        try:
            res = await self.happ.client.send(
                to,
                self.family,
                body,
                precedence=prec,
                exercise=exercise,
                in_reply_to=self.reply_to,
                timeout=5,
            )
        except ProtocolError as exc:
            self.happ.notify(exc.message, severity="error", markup=False)
            return
        if res.status == "rejected":
            self.happ.notify(f"Refused by the hub: {res.message}", severity="error", markup=False)
            return
        note = (
            "accepted by the hub"
            if res.status in ("accepted", "duplicate")
            else "queued in the outbox: it leaves when the hub is back"
        )
        self.happ.notify(f"{LABELS[self.family]} {note}")
        self.happ.refresh_status()
        self.dismiss()


class SentScreen(_Base):
    """Sent items with per-recipient delivered / read / acknowledged, live."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def compose(self) -> ComposeResult:
        yield Static("Sent items — per-recipient state updates live", classes="body")
        yield DataTable(id="sent", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        t = self.query_one("#sent", DataTable)
        for col in ("Sent (UTC)", "Type", "Prec", "State", "Recipients"):
            t.add_column(col)
        self.refresh_data()

    def refresh_data(self) -> None:
        t = self.query_one("#sent", DataTable)
        t.clear()
        store = self.happ.client.store
        for s in store.sent(200):
            ranks = store.receipts(s["id"])
            per = []
            for p in s["recipients"]:
                best = max((r for d, r in ranks.items() if d.startswith(p + "/")), default=-1)
                per.append(f"{p}:{ {-1: 'pending', 0: 'delivered', 1: 'read', 2: 'ACK'}[best] }")
            drill = "DRILL " if s["exercise"] else ""
            t.add_row(
                fmt_time(s["created_ms"]),
                drill + LABELS.get(s["family"], s["family"]),
                PREC_MARK.get(s["precedence"], ""),
                s["state"],
                " ".join(per),
            )


class ConversationScreen(_Base):
    """The hotline with one other party's crisis centre: messages and receipts in order."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, party: str) -> None:
        super().__init__()
        self.party = party

    def compose(self) -> ComposeResult:
        yield Static(f"Hotline with {self.party}", classes="body")
        yield VerticalScroll(Static(id="chat-text", classes="body", markup=False), id="chat")
        yield Input(
            placeholder=f"message to {self.party} (enter sends FLASH, asks first)", id="say"
        )
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:
        store = self.happ.client.store
        items: list[tuple[int, str]] = []
        for m in store.inbox(2000):
            if m.sender == self.party and m.family == "hotline_message":
                items.append(
                    (
                        m.created_ms,
                        f"{fmt_time(m.created_ms)} {self.party} ▸ "
                        f"{m.body.get('text', '')}  [{STATE[m.my_rank]}]",
                    )
                )
        for s in store.sent(500):
            if s["family"] == "hotline_message" and self.party in s["recipients"]:
                ranks = [
                    r for d, r in store.receipts(s["id"]).items() if d.startswith(self.party + "/")
                ]
                st = {-1: "sent", 0: "delivered", 1: "read", 2: "ACKNOWLEDGED"}[
                    max(ranks, default=-1)
                ]
                items.append(
                    (
                        s["created_ms"],
                        f"{fmt_time(s['created_ms'])} you ▸ {s['body'].get('text', '')}  [{st}]",
                    )
                )
        items.sort()
        self.query_one("#chat-text", Static).update(
            "\n".join(t for _, t in items) or "(no messages yet)"
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return

        async def go() -> None:
            res = await self.happ.client.send(
                self.party,
                "hotline_message",
                {"text": text, "lang": "en"},
                precedence="FLASH",
                timeout=5,
            )
            self.happ.notify(f"hotline message {res.status}")
            event.input.value = ""
            self.refresh_data()

        self.happ.push_screen(
            ConfirmScreen(f"Send a LIVE FLASH message to {self.party}?"),
            lambda ok: self.run_worker(go()) if ok else None,
        )
