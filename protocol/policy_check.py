"""One check of a notification before it is sent: validation, context, every verdict.

``hotline check`` prints it, the console's compose screen shows it live, and
``hotline send`` prints its verdicts: all through :func:`check_notice`, so an
officer preparing a notice and anyone checking a case see the same answer.

Beyond the schema it checks what the envelope context decides: a reply family
names what it answers, an amendment what it amends, a request is sent by the
party it names as requester, only the requested party answers a request, and an
inspection report is sent by the inspecting party and signed by every party on
its team (against ``roster``, when the caller has one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .catalogue import needs_reference, validate_body
from .errors import PolicyError, ProtocolError, RecipientError, SchemaError
from .policy import evaluate
from .policy_base import Notification, Policy, Record, Verdict
from .roster import Roster
from .verification import kind_of
from .verification_report import verify_report

__all__ = ["Check", "Problem", "check_notice"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a notification would be refused: the stable code, the field, one line."""

    code: str
    message: str
    field: str | None = None

    @classmethod
    def of(cls, exc: ProtocolError) -> Problem:
        return cls(exc.code, exc.message, exc.field)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "field": self.field}


@dataclass(frozen=True, slots=True)
class Check:
    """The cleaned body (None when invalid), errors, warnings and each preset's verdict."""

    family: str
    body: dict[str, Any] | None
    errors: tuple[Problem, ...]
    warnings: tuple[str, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "ok": self.ok,
            "body": self.body,
            "errors": [e.to_json() for e in self.errors],
            "warnings": list(self.warnings),
            "verdicts": [v.to_json() for v in self.verdicts],
        }


def _request_errors(
    family: str, b: Mapping[str, Any], sender: str, to: Sequence[str]
) -> list[ProtocolError]:
    k = kind_of(family)
    assert k is not None
    out: list[ProtocolError] = []
    if sender and b[k.requester] != sender:
        out.append(PolicyError(f"{k.requester}: must be {sender}, the sender", field=k.requester))
    if to and b[k.requested] not in to:
        out.append(RecipientError(f"to: must include {b[k.requested]}", field="recipients"))
    return out


def _response_errors(
    family: str, sender: str, in_reply_to: str | None, history: Sequence[Record] | None
) -> list[ProtocolError]:
    req = next((r for r in history or () if r.id == in_reply_to), None)
    k = kind_of(family)
    if req is None or k is None:
        return []
    if req.family != k.request:
        return [SchemaError(f"in_reply_to: {in_reply_to} is a {req.family}, not a {k.request}")]
    if sender and sender != req.body.get(k.requested):
        return [PolicyError(f"only {req.body.get(k.requested)}, the requested party, answers it")]
    return []


def _report_errors(
    b: Mapping[str, Any], sender: str, in_reply_to: str | None, roster: Roster | None, at_ms: int
) -> list[ProtocolError]:
    out: list[ProtocolError] = []
    if sender and b["inspecting"] != sender:
        out.append(PolicyError(f"inspecting: must be {sender}, the sender", field="inspecting"))
    if in_reply_to and b["request"] != in_reply_to:
        out.append(SchemaError("request: must be the request the report answers (in_reply_to)"))
    if roster is not None:
        try:
            verify_report(b, roster, at_ms)
        except ProtocolError as exc:
            out.append(exc)
    return out


def _context_errors(
    family: str,
    b: Mapping[str, Any],
    ctx: Mapping[str, Any],
) -> list[ProtocolError]:
    sender, to, reply = ctx["sender"], ctx["recipients"], ctx["in_reply_to"]
    out: list[ProtocolError] = []
    if needs_reference(family) and not reply:
        out.append(SchemaError(f"in_reply_to: a {family} answers a message: name it (--reply-to)"))
    if b.get("action") in ("amend", "cancel") and not ctx["supersedes"]:
        out.append(PolicyError(f"an {b['action']} names the notice it changes (--supersedes ID)"))
    if family in ("inspection_request", "evaluation_visit_request"):
        out += _request_errors(family, b, sender, to)
    if family in ("inspection_response", "evaluation_visit_response"):
        out += _response_errors(family, sender, reply, ctx["history"])
    if family == "inspection_report":
        out += _report_errors(b, sender, reply, ctx["roster"], ctx["at_ms"])
    return out


def _system_warnings(
    family: str, to: Sequence[str], roster: Roster | None, sender: str
) -> list[str]:
    if roster is None or kind_of(family) is None or "request" not in family:
        return []
    others = [p for p in roster.party_codes("party") if p != sender and p not in to]
    if not others:
        return []
    return [
        f"send requests to every party (--to all): {', '.join(others)} would not count "
        "this one in their quota ledgers"
    ]


def check_notice(
    family: str,
    body: Any,
    *,
    sender: str,
    recipients: Sequence[str],
    policies: Sequence[Policy],
    at_ms: int,
    now_ms: int,
    history: Sequence[Record] | None = None,
    roster: Roster | None = None,
    in_reply_to: str | None = None,
    supersedes: str | None = None,
) -> Check:
    """Validate ``body`` in its envelope context and give every preset's verdict.

    ``at_ms`` is the time lateness is judged at (now, for a notice about to be sent);
    ``history`` what the caller holds, for quotas, replies and calendars.
    """
    try:
        clean = validate_body(family, body)
    except ProtocolError as exc:
        return Check(family, None, (Problem.of(exc),), (), ())
    ctx = {
        "sender": sender,
        "recipients": recipients,
        "in_reply_to": in_reply_to,
        "supersedes": supersedes,
        "history": history,
        "roster": roster,
        "at_ms": at_ms,
    }
    errors = tuple(Problem.of(e) for e in _context_errors(family, clean, ctx))
    n = Notification(family, clean, at_ms, False, sender, tuple(recipients), "", in_reply_to)
    verdicts = tuple(evaluate(n, p, now_ms, history) for p in policies)
    warnings = _system_warnings(family, recipients, roster, sender)
    for v in verdicts:
        warnings += [f"{v.policy}: {w}" for w in v.warnings if f"{v.policy}: {w}" not in warnings]
    return Check(family, clean, errors, tuple(warnings), verdicts)
