"""The audit report's verification section: quotas used, replies late, calendars missing.

Computed from the log rows an auditor can open (``audit_report.timeline``), at the
hub's accept times — the same pure ledgers every client builds from its store.
``audit_report.compliance`` merges the result into its per-party report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hotline.protocol import load_preset
from hotline.protocol.calendar import exchange_status
from hotline.protocol.policy_base import HOUR_MS, Record
from hotline.protocol.verification import build_ledger

from .verification import LEDGER_FAMILIES

__all__ = ["audit_findings"]


def _records(rows: Iterable[Any]) -> list[Record]:
    return [
        Record(r.id, r.sender, r.family, r.at_ms, r.body, tuple(r.recipients), r.in_reply_to)
        for r in rows
        if r.event == "accepted" and r.body is not None and r.family in LEDGER_FAMILIES
    ]


def audit_findings(rows: Sequence[Any], policies: Sequence[str], now_ms: int) -> dict[str, Any]:
    """Per party: ``quotas_used``, ``replies_late`` and ``calendars_missing`` under each preset."""
    records = _records(rows)
    parties = sorted(
        {r.sender for r in rows if r.event == "accepted"}
        | {p for r in rows if r.event == "accepted" for p in r.recipients}
    )
    out: dict[str, dict[str, list[dict[str, Any]]]] = {
        p: {"quotas_used": [], "replies_late": [], "calendars_missing": []} for p in parties
    }
    for name in policies:
        policy = load_preset(name)
        ledger = build_ledger(records, policy)
        for q in ledger.quotas:
            if q.party in out:
                used = {"policy": name, "kind": q.kind, "year": q.year, "used": q.used}
                out[q.party]["quotas_used"].append(used | {"limit": q.limit})
        for st in ledger.requests:
            late, unanswered = st.late(), st.decision is None and now_ms > st.deadline_ms
            if st.requested in out and (late or unanswered):
                hours = (st.answered_ms - st.deadline_ms) / HOUR_MS if late else None
                out[st.requested]["replies_late"].append(
                    {
                        "policy": name,
                        "kind": st.kind,
                        "request": st.id,
                        "from": st.requester,
                        "answered": not unanswered,
                        "hours_late": round(hours, 1) if hours is not None else None,
                    }
                )
        for ex in exchange_status(records, parties, policy, now_ms):
            if ex.family == "annual_calendar" and ex.state == "overdue":
                out[ex.party]["calendars_missing"].append(
                    {"policy": name, "year": ex.year, "due": ex.due}
                )
    return out
