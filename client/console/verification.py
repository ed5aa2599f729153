"""The Verification screen: inspections and evaluation visits, quotas, calendars, reports.

It receives what it needs in ``__init__`` — a function that builds the view at a
given time, a clock, this party's code — and posts :class:`AnswerRequested` up
when the officer wants to answer a request addressed to their party; the app
decides what that opens. It never sends or signs anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from ..i18n import N_, _, family_name, fmt_date, fmt_number
from ..i18n.measures import (
    countdown,
    exchange_state,
    kind_name,
    quota_text,
    reply_word,
    report_mark,
    request_state,
)
from ..verification import VerificationView, build_view
from .widgets import KeyHints

__all__ = ["VerificationScreen"]

_RESPONSE = {"inspection": "inspection_response", "evaluation": "evaluation_visit_response"}
#: (id, tab name, column names): ids stay English, names are said in the officer's language
TABS = (
    (
        "requests",
        N_("Requests"),
        (N_("Kind"), N_("From→To"), N_("Dates"), N_("State"), N_("Answered"), N_("Quota")),
    ),
    (
        "quotas",
        N_("Quotas"),
        (N_("Party"), N_("Year"), N_("Kind"), N_("Used"), N_("Quota"), N_("By requester")),
    ),
    (
        "calendars",
        N_("Calendars"),
        (N_("Party"), N_("Year"), N_("Exchange"), N_("State"), N_("Due"), N_("Submitted")),
    ),
    ("reports", N_("Reports"), (N_("Report"), N_("Request"), N_("From"), N_("Signatures"))),
)


class VerificationScreen(Screen[None]):
    """Open requests with reply countdowns, answers, reports, quotas and calendars."""

    DEFAULT_CSS = """
    VerificationScreen #ver-head { height: 1; padding: 0 1; background: $boost; }
    VerificationScreen TabbedContent { height: 1fr; }
    VerificationScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back")),
        Binding("p", "next_policy", N_("Preset")),
        Binding("r", "answer", N_("Answer request")),
    ]

    class AnswerRequested(Message):
        """The officer chose to answer ``request_id`` (a request to their party)."""

        def __init__(self, request_id: str, family: str, to: str) -> None:
            super().__init__()
            self.request_id = request_id
            self.family = family
            self.to = to

    def __init__(
        self,
        load: Callable[[int], VerificationView],
        clock: Callable[[], int],
        party: str,
        *,
        live: bool = True,
    ) -> None:
        super().__init__()
        self.load = load
        self.clock = clock
        self.party = party
        self.live = live
        self.policy_index = 0
        self.view: VerificationView | None = None
        # (request id, response family, requester, requested) per row of the requests table
        self.request_ids: list[tuple[str, str, str, str]] = []

    @classmethod
    def of(cls, client: Any, policies: list[str], clock: Callable[[], int], live: bool) -> Any:
        """The screen for a HubClient's store and roster (what ``app.py`` calls)."""
        party = client.device.party

        def load(now: int) -> VerificationView:
            return build_view(client.store, client.roster, party, policies, now)

        return cls(load, clock, party, live=live)

    def compose(self) -> ComposeResult:
        yield Static(id="ver-head", markup=False)
        with TabbedContent(id="ver-tabs"):
            for key, tab, cols in TABS:
                with TabPane(_(tab), id=f"tab-{key}"):
                    table: DataTable[str] = DataTable(id=f"ver-{key}", cursor_type="row")
                    for c in cols:
                        table.add_column(_(c), key=c)
                    yield table
        # the keys named in the officer's language (Textual's Footer shows them in English)
        yield KeyHints([b for b in self.BINDINGS if isinstance(b, Binding)], id="hints")

    def on_mount(self) -> None:
        self.refresh_data()
        if self.live:
            self.set_interval(2.0, self.refresh_data)  # countdowns and new arrivals

    def refresh_data(self) -> None:
        if not self.query("#ver-requests"):
            return  # not composed yet: the app refreshes every screen on its stack
        self.view = self.load(self.clock())
        policy = self.view.policies[self.policy_index % len(self.view.policies)]
        example = " (" + _("EXAMPLE") + ")" if policy.example else ""
        self.query_one("#ver-head", Static).update(
            _("Verification as seen by {party} — {policy}").format(
                party=self.party, policy=policy.id + example
            )
            + "   "
            + _("p: next preset  r: answer the selected request")
        )
        self._requests(policy)
        self._quotas(policy.id)
        self._calendars(policy.id)
        self._reports()

    def _requests(self, policy: Any) -> None:
        assert self.view is not None
        t = self.query_one("#ver-requests", DataTable)
        t.clear()
        self.request_ids = []
        for r in self.view.ledgers[policy.id].requests:
            state = r.state(self.view.now_ms)
            shown = (
                countdown(r.deadline_ms, self.view.now_ms)
                if state in ("open", "overdue")
                else request_state(state)
            )
            sides = f"{r.requester}→{r.requested}"
            when = fmt_date(r.start)
            t.add_row(
                kind_name(r.kind), sides, when, shown, reply_word(r.late()), quota_text(r, policy)
            )
            self.request_ids.append((r.id, _RESPONSE[r.kind], r.requester, r.requested))

    def _quotas(self, pid: str) -> None:
        assert self.view is not None
        t = self.query_one("#ver-quotas", DataTable)
        t.clear()
        for q in self.view.ledgers[pid].quotas:
            limit = "?" if q.limit is None else fmt_number(q.limit)
            by = ", ".join(f"{k} {fmt_number(v)}" for k, v in sorted(q.by_requester.items()))
            t.add_row(q.party, str(q.year), kind_name(q.kind), fmt_number(q.used), limit, by)

    def _calendars(self, pid: str) -> None:
        assert self.view is not None
        t = self.query_one("#ver-calendars", DataTable)
        t.clear()
        for e in self.view.exchanges[pid]:
            t.add_row(
                e.party,
                str(e.year),
                family_name(e.family),
                exchange_state(e.state),
                fmt_date(e.due),
                e.submitted_id or "",
            )

    def _reports(self) -> None:
        assert self.view is not None
        t = self.query_one("#ver-reports", DataTable)
        t.clear()
        for rep in self.view.reports:
            t.add_row(rep.id, rep.request, rep.sender, report_mark(rep.signers, rep.problem))

    def action_next_policy(self) -> None:
        self.policy_index += 1
        self.refresh_data()

    def action_answer(self) -> None:
        t = self.query_one("#ver-requests", DataTable)
        row = t.cursor_row
        if not 0 <= row < len(self.request_ids):
            return
        mid, family, requester, requested = self.request_ids[row]
        if requested != self.party:
            self.notify(_("Only the requested party answers a request"), severity="warning")
            return
        self.post_message(self.AnswerRequested(mid, family, requester))
