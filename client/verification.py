"""Verification as this device sees it: checks, the quota ledger, calendars, from its store.

The pure rules live in ``hotline.protocol`` (``policy_check``, ``verification``,
``calendar``, ``verification_report``); this module only gathers what the
device holds — verified inbox messages and its party's accepted sent ones — and
hands them over. ``hotline check``, ``hotline verification|calendar show``, the
console's compose and Verification screens all come through here.

Time: lateness is judged at :func:`record_time`, the one place that says which
clock a message counts at. It is the hub's accept time (``accepted_ms``) when the
store has it, and the sender's ``created_ms`` (bounded by the hub's skew check)
until then.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from hotline.protocol import ProtocolError, Roster, load_preset
from hotline.protocol.calendar import ExchangeStatus, exchange_status
from hotline.protocol.policy_base import Policy, Record
from hotline.protocol.policy_check import Check, check_notice
from hotline.protocol.verification import Ledger, build_ledger
from hotline.protocol.verification_report import judge_report, signers

from .compose import expand_recipients
from .i18n.measures import NO_ROSTER
from .store import InboxRow, Store

__all__ = [
    "LEDGER_FAMILIES",
    "ReportCheck",
    "VerificationView",
    "build_view",
    "check_message",
    "compose_check",
    "record_time",
    "records_from_store",
    "view_of",
]

#: what the ledgers and calendars are built from (and a military activity is checked against)
LEDGER_FAMILIES: Final = frozenset(
    {
        "annual_calendar",
        "annual_information",
        "inspection_request",
        "inspection_response",
        "inspection_report",
        "evaluation_visit_request",
        "evaluation_visit_response",
    }
)


def record_time(row: InboxRow | Mapping[str, Any]) -> int:
    """The time a message counts at for deadlines: accept time if known, else created."""
    if isinstance(row, Mapping):
        return int(row.get("accepted_ms") or row["created_ms"])
    return int(getattr(row, "accepted_ms", None) or row.created_ms)


def records_from_store(store: Store, own_party: str) -> list[Record]:
    """Verified received messages and this party's accepted sent ones, as ledger records."""
    out = [
        Record(
            m.id,
            m.sender,
            m.family,
            record_time(m),
            m.body,
            tuple(m.recipients),
            m.in_reply_to,
            m.supersedes,
        )
        for m in store.inbox(100_000)
        if m.family in LEDGER_FAMILIES and m.verified
    ]
    seen = {r.id for r in out}
    for s in store.sent(100_000):
        if s["family"] in LEDGER_FAMILIES and s["state"] == "accepted" and s["id"] not in seen:
            to, at = tuple(s["recipients"]), record_time(s)
            out.append(Record(s["id"], own_party, s["family"], at, s["body"], to, s["in_reply_to"]))
    return out


def _presets(names: Sequence[str]) -> list[Policy]:
    return [load_preset(n) for n in names]


def check_message(
    store: Store | None,
    roster: Roster | None,
    party: str,
    family: str,
    body: Any,
    *,
    recipients: Sequence[str],
    policies: Sequence[str],
    now_ms: int,
    in_reply_to: str | None = None,
    supersedes: str | None = None,
) -> Check:
    """Validation and every preset's verdict for a message this device is about to send."""
    history = records_from_store(store, party) if store is not None else None
    return check_notice(
        family,
        body,
        sender=party,
        recipients=tuple(recipients),
        policies=_presets(policies),
        at_ms=now_ms,
        now_ms=now_ms,
        history=history,
        roster=roster,
        in_reply_to=in_reply_to,
        supersedes=supersedes,
    )


def compose_check(
    client: Any,
    family: str,
    body: Any,
    to: str,
    policies: Sequence[str],
    now_ms: int,
    in_reply_to: str | None = None,
) -> Check:
    """What the console's compose screen shows live: ``check_message`` for a HubClient."""
    party = client.device.party
    try:
        recipients = expand_recipients(to or "all", client.roster, party)
    except ProtocolError:
        recipients = ()  # the form shows the recipient error itself
    return check_message(
        client.store,
        client.roster,
        party,
        family,
        body,
        recipients=recipients,
        policies=policies,
        now_ms=now_ms,
        in_reply_to=in_reply_to,
    )


@dataclass(frozen=True, slots=True)
class ReportCheck:
    """A received team report and what its signatures say against the roster."""

    id: str
    request: str
    sender: str
    signers: tuple[str, ...]
    problem: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "request": self.request,
            "sender": self.sender,
            "signers": list(self.signers),
            "verified": self.problem is None,
            "problem": self.problem,
        }


@dataclass
class VerificationView:
    """Everything the Verification screen and ``verification|calendar show`` display."""

    party: str
    now_ms: int
    policies: list[Policy]
    ledgers: dict[str, Ledger]
    exchanges: dict[str, list[ExchangeStatus]]
    reports: list[ReportCheck] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        by_id = {p.id: p for p in self.policies}
        return {
            "party": self.party,
            "now_ms": self.now_ms,
            "policies": {
                pid: {
                    "example": by_id[pid].example,
                    "requests": [r.to_json(self.now_ms, by_id[pid]) for r in led.requests],
                    "quotas": [q.to_json() for q in led.quotas],
                    "exchanges": [e.to_json() for e in self.exchanges[pid]],
                }
                for pid, led in self.ledgers.items()
            },
            "reports": [r.to_json() for r in self.reports],
        }


def _reports(records: Iterable[Record], roster: Roster | None) -> list[ReportCheck]:
    out = []
    for r in records:
        if r.family != "inspection_report":
            continue
        text = NO_ROSTER  # English: the view's JSON carries it; people read it translated
        if roster is not None:
            problem = judge_report(r.body, roster, r.at_ms)
            text = problem.message if problem is not None else None
        who = tuple(signers(r.body))
        out.append(ReportCheck(r.id, str(r.body.get("request", "")), r.sender, who, text))
    return out


def view_of(
    records: Sequence[Record],
    roster: Roster | None,
    party: str,
    parties: Sequence[str],
    policies: Sequence[str],
    now_ms: int,
) -> VerificationView:
    """The view from records (pure; ``build_view`` reads them from a store)."""
    presets = _presets(policies)
    return VerificationView(
        party,
        now_ms,
        presets,
        {p.id: build_ledger(records, p) for p in presets},
        {p.id: exchange_status(records, parties, p, now_ms) for p in presets},
        _reports(records, roster),
    )


def build_view(
    store: Store, roster: Roster, party: str, policies: Sequence[str], now_ms: int
) -> VerificationView:
    """The ledger, calendars and reports as this device's store holds them."""
    records = records_from_store(store, party)
    return view_of(records, roster, party, roster.party_codes("party"), policies, now_ms)
