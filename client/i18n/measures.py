"""The verification measures' words: kinds, request and exchange states, replies, quotas.

What the Verification screen, ``hotline verification|calendar show`` and the audit
report say about inspections, evaluation visits and scheduled exchanges. The ledger
(``hotline.protocol.verification``) keeps its states as English codes; they are said
here in the officer's language. A team report's problem is a protocol error message
(English); its known shapes are re-said, anything else is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hotline.protocol.policy_base import Policy
from hotline.protocol.verification import RequestState

from .core import N_, _
from .formats import fmt_span
from .phrases import phrase_text

__all__ = [
    "countdown",
    "exchange_state",
    "kind_name",
    "quota_text",
    "reply_word",
    "report_mark",
    "request_state",
]

KINDS = {"inspection": N_("inspection"), "evaluation": N_("evaluation visit")}
REQUEST_STATES = {
    "open": N_("open"),
    "overdue": N_("overdue"),
    "accepted": N_("accepted"),
    "refused": N_("refused"),
    "other dates": N_("other dates proposed"),
}
EXCHANGE_STATES = {
    "submitted": N_("submitted"),
    "late": N_("submitted late"),
    "due": N_("due"),
    "overdue": N_("OVERDUE"),
}
NO_ROSTER = N_("no roster to check against")

_PROBLEMS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"signatures: (\S+) is not on the team \((.*)\)"),
        lambda m: _("{party} is not on the team ({team})").format(party=m[1], team=m[2]),
    ),
    (
        re.compile(r"signatures: (\S+) signed twice \((\S+), (\S+)\)"),
        lambda m: _("{party} signed twice ({first}, {second})").format(
            party=m[1], first=m[2], second=m[3]
        ),
    ),
    (
        re.compile(r"signatures: (\S+)'s signature does not verify"),
        lambda m: _("the signature of {device} does not verify").format(device=m[1]),
    ),
    (
        re.compile(r"signatures: (.+) has not signed: every party on the team signs"),
        lambda m: _("{parties} has not signed: every party on the team signs").format(parties=m[1]),
    ),
    (re.compile(re.escape(NO_ROSTER)), lambda m: _(NO_ROSTER)),
]


def kind_name(kind: str) -> str:
    label = KINDS.get(kind)
    return _(label) if label else kind


def request_state(state: str) -> str:
    label = REQUEST_STATES.get(state)
    return _(label) if label else state


def exchange_state(state: str) -> str:
    label = EXCHANGE_STATES.get(state)
    return _(label) if label else state


def reply_word(late: bool | None) -> str:
    """How the answer came: '—' (not yet), 'LATE' or 'on time'."""
    return "—" if late is None else _("LATE") if late else _("on time")


def countdown(deadline_ms: int, now_ms: int) -> str:
    """'due in 5 hr 12 min' / 'OVERDUE by 2 hr 3 min' for an open request."""
    left = (deadline_ms - now_ms) // 1000
    if left < 0:
        return _("OVERDUE by {span}").format(span=fmt_span(-left))
    return _("due in {span}").format(span=fmt_span(left))


def quota_text(st: RequestState, policy: Policy) -> str:
    """Where the request stands in the requested party's quota, in the officer's language."""
    return phrase_text(st.quota_phrase(policy))


def report_mark(signers: tuple[str, ...], problem: str | None) -> str:
    """'✓ BA/officer-1, HR/officer-1' for a complete report, '✗ <why>' otherwise."""
    if problem is None:
        return "✓ " + ", ".join(signers)
    for pattern, say in _PROBLEMS:
        m = pattern.fullmatch(problem)
        if m:
            return f"✗ {say(m)}"
    return f"✗ {problem}"
