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
from textual.widgets import DataTable, Footer, Static, TabbedContent, TabPane

from ..verification import VerificationView, build_view, countdown

__all__ = ["VerificationScreen"]

_RESPONSE = {"inspection": "inspection_response", "evaluation": "evaluation_visit_response"}


class VerificationScreen(Screen[None]):
    """Open requests with reply countdowns, answers, reports, quotas and calendars."""

    DEFAULT_CSS = """
    VerificationScreen #ver-head { height: 1; padding: 0 1; background: $boost; }
    VerificationScreen TabbedContent { height: 1fr; }
    VerificationScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("p", "next_policy", "Preset"),
        Binding("r", "answer", "Answer request"),
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
            for tab, cols in (
                ("Requests", ("Kind", "From→To", "Dates", "State", "Reply", "Quota")),
                ("Quotas", ("Party", "Year", "Kind", "Used", "Quota", "By requester")),
                ("Calendars", ("Party", "Year", "Exchange", "State", "Due", "Submitted")),
                ("Reports", ("Report", "Request", "From", "Signatures")),
            ):
                with TabPane(tab, id=f"tab-{tab.lower()}"):
                    table: DataTable[str] = DataTable(id=f"ver-{tab.lower()}", cursor_type="row")
                    for c in cols:
                        table.add_column(c)
                    yield table
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        if self.live:
            self.set_interval(2.0, self.refresh_data)  # countdowns and new arrivals

    def refresh_data(self) -> None:
        if not self.query("#ver-requests"):
            return  # not composed yet: the app refreshes every screen on its stack
        self.view = self.load(self.clock())
        policy = self.view.policies[self.policy_index % len(self.view.policies)]
        example = " (EXAMPLE)" if policy.example else ""
        self.query_one("#ver-head", Static).update(
            f"Verification as seen by {self.party} — {policy.id}{example}   "
            "p: next preset  r: answer the selected request"
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
            if state in ("open", "overdue"):
                state = countdown(r.deadline_ms, self.view.now_ms)
            late = r.late()
            reply = "—" if late is None else ("LATE" if late else "on time")
            sides = f"{r.requester}→{r.requested}"
            t.add_row(r.kind, sides, r.start, state, reply, r.quota_note(policy))
            self.request_ids.append((r.id, _RESPONSE[r.kind], r.requester, r.requested))

    def _quotas(self, pid: str) -> None:
        assert self.view is not None
        t = self.query_one("#ver-quotas", DataTable)
        t.clear()
        for q in self.view.ledgers[pid].quotas:
            limit = "?" if q.limit is None else str(q.limit)
            by = ", ".join(f"{k} {v}" for k, v in sorted(q.by_requester.items()))
            t.add_row(q.party, str(q.year), q.kind, str(q.used), limit, by)

    def _calendars(self, pid: str) -> None:
        assert self.view is not None
        t = self.query_one("#ver-calendars", DataTable)
        t.clear()
        for e in self.view.exchanges[pid]:
            state = e.state.upper() if e.state == "overdue" else e.state
            t.add_row(e.party, str(e.year), e.family, state, e.due, e.submitted_id or "")

    def _reports(self) -> None:
        assert self.view is not None
        t = self.query_one("#ver-reports", DataTable)
        t.clear()
        for rep in self.view.reports:
            signed = "✓ " + ", ".join(rep.signers)
            mark = signed if rep.problem is None else f"✗ {rep.problem}"
            t.add_row(rep.id, rep.request, rep.sender, mark)

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
            self.notify("Only the requested party answers a request", severity="warning")
            return
        self.post_message(self.AnswerRequested(mid, family, requester))
