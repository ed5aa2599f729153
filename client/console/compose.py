"""Compose any catalogue family through a form, validated live with the policy verdict.

Opens with the cursor in the first text field; the recipient field keeps its text when
tabbed into (no select-all a stray key would replace); the EXERCISE box says its state
in words; free-text language fields start with the officer's language.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static

from hotline.protocol import FAMILIES, PRECEDENCES, ProtocolError, default_precedence
from hotline.protocol import validate_body as validate

from ..i18n import N_, _, family_name, field_name, precedence_mark, verdict_text
from .base import HotlineScreen, View
from .confirm import ConfirmScreen
from .errors import guarded
from .forms import FORMS, build_body
from .messages import Draft, SendDraft
from .render import verdicts_for

__all__ = ["ComposeScreen"]


class ComposeScreen(HotlineScreen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Cancel")),
        Binding("ctrl+s", "send", N_("Send")),
    ]

    def __init__(self, view: View, family: str, to: str, reply_to: str | None = None) -> None:
        super().__init__(view)
        self.family = family if family in FORMS else "military_activity"
        self.to = to
        self.reply_to = reply_to
        self.sending = False
        #: set once the family's fields are mounted (they are built in a worker, after mount)
        self.fields_ready = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        fams = [(family_name(f), f) for f in FAMILIES if f in FORMS]
        with Horizontal(id="compose-head"):
            yield Select(fams, value=self.family, allow_blank=False, id="family")
            yield Input(
                value=self.to, placeholder=_("to: HR,BA or all"), id="to", select_on_focus=False
            )
            yield Select(
                [(precedence_mark(p), p) for p in reversed(PRECEDENCES)],
                value=default_precedence(self.family),
                allow_blank=False,
                id="prec",
            )
            yield Checkbox(self._exercise_label(False), id="exercise")
        yield Static(id="verdict", markup=False)
        yield VerticalScroll(id="fields")
        yield from self.compose_hints()

    @staticmethod
    def _exercise_label(on: bool) -> str:
        return _("EXERCISE: yes, a drill") if on else _("EXERCISE: no, live")

    @guarded
    def on_mount(self) -> None:
        self.run_worker(self.build_fields(), exit_on_error=False)

    async def build_fields(self) -> None:
        self.fields_ready.clear()
        box = self.query_one("#fields", VerticalScroll)
        await box.remove_children()
        for name, kind, example in FORMS[self.family]:
            value = self.view.lang if kind == "lang" else ""
            await box.mount(
                Horizontal(
                    Label(field_name(name)),
                    Input(
                        value=value,
                        placeholder=_("e.g. {example}").format(example=example),
                        id=f"f-{name}",
                        compact=True,
                        select_on_focus=False,
                    ),
                    Label("", id=f"e-{name}", classes="err", markup=False),
                    classes="field",
                )
            )
        first = FORMS[self.family][0][0]
        self.query_one(f"#f-{first}", Input).focus()
        self.validate_form()
        self.fields_ready.set()

    def values(self) -> dict[str, str]:
        return {n: self.query_one(f"#f-{n}", Input).value for n, _k, _p in FORMS[self.family]}

    def validate_form(self) -> dict[str, Any] | None:
        body, errors = build_body(self.family, self.values())
        clean = None
        if not errors:
            try:
                clean = validate(self.family, body)
            except ProtocolError as exc:
                errors[exc.field or ""] = exc.message.partition(": ")[2] or exc.message
        names = {n for n, _k, _p in FORMS[self.family]}
        for name in names:
            self.query_one(f"#e-{name}", Label).update(errors.get(name, ""))
        if clean is not None:
            now, to = self.view.clock(), self.query_one("#to", Input).value
            if self.view.check is not None:  # the same check as `hotline check` (issue 18)
                vs = self.view.check(self.family, clean, to, now, self.reply_to)
            else:
                vs = verdicts_for(self.family, clean, now, self.view.policies, now)
            text = "\n".join(self.verdict_line(verdict_text(v)) for v in vs)
        else:
            other = [f"{k}: {v}" for k, v in errors.items() if k not in names]
            shown = other or [f"{field_name(k)}: {v}" for k, v in errors.items()]
            text = _("Fill in the form: {problems}").format(problems="; ".join(shown))
        self.query_one("#verdict", Static).update(text)
        return clean

    def verdict_line(self, text: str) -> str:
        if self.family == "military_activity":
            troops = self.values().get("troops") or "0"
            return _("With {troops} troops this exercise is {verdict}").format(
                troops=troops, verdict=text
            )
        return text

    @guarded
    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "family" and event.value != self.family:
            self.family = str(event.value)
            self.query_one("#prec", Select).value = default_precedence(self.family)
            await self.build_fields()

    @guarded
    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = self._exercise_label(event.value)

    @guarded
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("f-"):
            self.validate_form()

    @guarded
    def action_send(self) -> None:
        if self.sending:
            return
        clean = self.validate_form()
        if clean is None:
            self.notify(_("Fix the fields marked in red first"), severity="error")
            return
        draft = Draft(
            to=self.query_one("#to", Input).value,
            family=self.family,
            body=clean,
            precedence=str(self.query_one("#prec", Select).value),
            exercise=self.query_one("#exercise", Checkbox).value,
            in_reply_to=self.reply_to,
        )
        if draft.precedence in ("FLASH", "IMMEDIATE") and not draft.exercise:
            lines = [
                _("{precedence} {family} to {to}.").format(
                    precedence=draft.precedence, family=family_name(draft.family), to=draft.to
                ),
                _("It is not marked EXERCISE: it is live."),
            ]
            self.app.push_screen(
                ConfirmScreen(_("Sign and send this live message?"), lines, _("Sign and send")),
                lambda ok: self._send(draft) if ok else None,
            )
        else:
            self._send(draft)

    def _send(self, draft: Draft) -> None:
        self.sending = True
        self.post_message(SendDraft(draft, self.sent))

    def sent(self, ok: bool) -> None:
        """The app's answer: close on success, stay (with the draft) otherwise."""
        self.sending = False
        if ok and self.is_current:
            self.dismiss()
