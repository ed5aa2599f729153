"""The verification ledger: inspections and evaluation visits, their replies and quotas.

Like the arms register (``register.py``), every client computes it the same way
from what it has received: requests in (time, id) order; for each, the answer
from the requested party (decision, and whether it came within the preset's
reply deadline), the team reports, and where the request stands in the
requested party's passive quota for that calendar year.

Counting (docs/protocol.md §5.2): a request counts against the quota of the
year of its proposed start date unless it was refused; an inspection in the
regional Commission's schedule (``scheduled``, preset ``inspection.schedule``)
does not count. "Within quota: 2 of 3 used in 2027" means two earlier requests
count; at three, the requested party may decline. The evaluation quota is one
visit per ``units_per_visit`` reported units or portion thereof (the requested
party's ``annual_information.units`` for that year, or its latest before), at
most ``max_per_year``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from .policy_base import HOUR_MS, Policy, Record
from .policy_phrases import Phrase, say

__all__ = [
    "KINDS",
    "Kind",
    "Ledger",
    "Quota",
    "RequestState",
    "build_ledger",
    "kind_of",
    "quota_cite",
    "same_cite",
]


@dataclass(frozen=True, slots=True)
class Kind:
    """One verification measure: its families, the body fields naming the two sides."""

    name: str
    request: str
    response: str
    requester: str
    requested: str
    section: str


KINDS: Final = (
    Kind(
        "inspection",
        "inspection_request",
        "inspection_response",
        "inspecting",
        "inspected",
        "inspection",
    ),
    Kind(
        "evaluation",
        "evaluation_visit_request",
        "evaluation_visit_response",
        "evaluating",
        "evaluated",
        "evaluation",
    ),
)


def kind_of(family: str) -> Kind | None:
    """The measure a request or response family belongs to."""
    return next((k for k in KINDS if family in (k.request, k.response)), None)


@dataclass(frozen=True, slots=True)
class Quota:
    """Where one party's passive quota stands for one year."""

    kind: str
    party: str
    year: int
    limit: int | None  # None: not known (no units reported)
    same_party_limit: int | None
    used: int
    by_requester: dict[str, int]
    cite: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "party": self.party,
            "year": self.year,
            "limit": self.limit,
            "same_party_limit": self.same_party_limit,
            "used": self.used,
            "by_requester": self.by_requester,
            "cite": self.cite,
        }


@dataclass
class RequestState:
    """One request and what became of it."""

    kind: str
    id: str
    requester: str
    requested: str
    at_ms: int
    year: int
    start: str
    end: str
    deadline_ms: int
    team: list[str]
    scheduled: bool = False
    counts: bool = True
    used_before: int = 0
    same_before: int = 0
    limit: int | None = None
    same_limit: int | None = None
    response_id: str | None = None
    decision: str | None = None
    answered_ms: int | None = None
    reports: list[str] = field(default_factory=list)

    @property
    def exhausted(self) -> bool:
        return self.counts and self.limit is not None and self.used_before >= self.limit

    @property
    def same_exhausted(self) -> bool:
        return self.counts and self.same_limit is not None and self.same_before >= self.same_limit

    def late(self) -> bool | None:
        """Whether the answer came after the deadline (None: not answered)."""
        return None if self.answered_ms is None else self.answered_ms > self.deadline_ms

    def state(self, now_ms: int) -> str:
        if self.decision is None:
            return "overdue" if now_ms > self.deadline_ms else "open"
        return {"accept": "accepted", "refuse": "refused"}.get(self.decision, "other dates")

    def quota_note(self, policy: Policy) -> str:
        """'within quota: 2 of 3 used in 2027', 'quota exhausted: RS may decline' …"""
        return self.quota_phrase(policy).text

    def quota_phrase(self, policy: Policy) -> Phrase:
        """:meth:`quota_note` as a phrase (code and parameters), for translation."""
        cite = quota_cite(policy, self.kind)
        if not self.counts:
            return say("quota.not_counted", party=self.requested)
        if self.limit is None:
            return say("quota.unknown", party=self.requested, year=self.year)
        used = {"party": self.requested, "year": self.year, "limit": self.limit}
        if self.exhausted:
            return say("quota.exhausted", used=self.used_before, cite=cite, **used)
        if self.same_exhausted:
            return say(
                "quota.same_exhausted",
                party=self.requested,
                requester=self.requester,
                used=self.same_before,
                limit=self.same_limit,
                year=self.year,
                cite=same_cite(policy, self.kind),
            )
        return say("quota.within", used=self.used_before, cite=cite, **used)

    def to_json(self, now_ms: int, policy: Policy) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "requester": self.requester,
            "requested": self.requested,
            "at_ms": self.at_ms,
            "year": self.year,
            "start": self.start,
            "end": self.end,
            "team": self.team,
            "scheduled": self.scheduled,
            "deadline_ms": self.deadline_ms,
            "state": self.state(now_ms),
            "response": self.response_id,
            "decision": self.decision,
            "answered_ms": self.answered_ms,
            "late": self.late(),
            "quota": self.quota_note(policy),
            "quota_exhausted": self.exhausted or self.same_exhausted,
            "reports": self.reports,
        }


@dataclass
class Ledger:
    requests: list[RequestState]
    quotas: list[Quota]

    def find(self, mid: str) -> RequestState | None:
        return next((r for r in self.requests if r.id == mid), None)


def _units(records: list[Record], party: str, year: int) -> int | None:
    """The units ``party`` reported for ``year`` (or its latest report before)."""
    best: tuple[int, int, int] | None = None
    for r in records:
        y, units = r.body.get("year"), r.body.get("units")
        if r.family != "annual_information" or r.sender != party or not isinstance(units, int):
            continue
        if isinstance(y, int) and y <= year and (best is None or (y, r.at_ms) > best[:2]):
            best = (y, r.at_ms, units)
    return None if best is None else best[2]


def _int(v: Any) -> int | None:
    return int(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _limits(
    k: Kind, policy: Policy, records: list[Record], party: str, year: int
) -> tuple[int | None, int | None]:
    """(quota, quota from any one requester) for ``party`` in ``year``."""
    quota = policy.rule(k.section, "quota")
    same = policy.rule(k.section, "same_party")
    if k.name == "inspection":
        return _int(quota.get("per_year")), _int(same.get("per_year"))
    units = _units(records, party, year)
    per = quota.get("units_per_visit")
    if units is None or not per:
        return None, None
    limit = min(math.ceil(units / int(per)), int(quota.get("max_per_year", 10**6)))
    if limit < int(same.get("small_quota", 0)):
        return limit, int(same.get("small_quota_per_year", 1))
    return limit, math.ceil(limit * float(same.get("share", 1.0)))


def _answers(records: list[Record], k: Kind) -> dict[str, Record]:
    """The first answer to each request (whose sender is checked by the caller)."""
    out: dict[str, Record] = {}
    for r in records:
        if r.family == k.response and r.in_reply_to:
            out.setdefault(f"{r.in_reply_to}|{r.sender}", r)
    return out


def _requests(k: Kind, policy: Policy, records: list[Record]) -> list[RequestState]:
    hours = int(policy.rule(k.section, "reply").get("hours", 24))
    answers = _answers(records, k)
    exempt = bool(policy.rule(k.section, "schedule"))
    out = []
    for r in records:
        if r.family != k.request:
            continue
        b = r.body
        st = RequestState(
            k.name,
            r.id,
            str(b[k.requester]),
            str(b[k.requested]),
            r.at_ms,
            int(str(b["start"])[:4]),
            str(b["start"]),
            str(b["end"]),
            r.at_ms + hours * HOUR_MS,
            sorted({m["party"] for m in b.get("team", [])}),
            scheduled=bool(b.get("scheduled")),
        )
        st.counts = not (st.scheduled and exempt)
        ans = answers.get(f"{r.id}|{st.requested}")
        if ans is not None:
            st.response_id, st.decision = ans.id, str(ans.body.get("decision"))
            st.answered_ms = ans.at_ms
        out.append(st)
    return out


def _count(k: Kind, policy: Policy, records: list[Record], reqs: list[RequestState]) -> list[Quota]:
    cite = str(policy.rule(k.section, "quota").get("cite", ""))
    tally: dict[tuple[str, int], dict[str, int]] = {}
    for st in reqs:
        per = tally.setdefault((st.requested, st.year), {})
        st.limit, st.same_limit = _limits(k, policy, records, st.requested, st.year)
        st.used_before = sum(per.values())
        st.same_before = per.get(st.requester, 0)
        if st.counts and st.decision != "refuse":
            per[st.requester] = per.get(st.requester, 0) + 1
    out = []
    for (party, year), per in sorted(tally.items()):
        limit, same = _limits(k, policy, records, party, year)
        out.append(Quota(k.name, party, year, limit, same, sum(per.values()), per, cite))
    return out


def build_ledger(records: Iterable[Record], policy: Policy) -> Ledger:
    """Replay ``records`` in (time, id) order; the same records give the same ledger."""
    ordered = sorted(records, key=lambda r: (r.at_ms, r.id))
    requests: list[RequestState] = []
    quotas: list[Quota] = []
    for k in KINDS:
        reqs = _requests(k, policy, ordered)
        quotas += _count(k, policy, ordered, reqs)
        requests += reqs
    by_id = {r.id: r for r in requests}
    for r in ordered:
        req = by_id.get(str(r.body.get("request", "")))
        if r.family == "inspection_report" and req is not None:
            req.reports.append(r.id)
    requests.sort(key=lambda r: (r.at_ms, r.id))
    return Ledger(requests, quotas)


def quota_cite(policy: Policy, kind: str) -> str:
    return str(policy.rule(kind, "quota").get("cite", ""))


def same_cite(policy: Policy, kind: str) -> str:
    return str(policy.rule(kind, "same_party").get("cite", ""))
