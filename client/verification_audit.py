"""The audit report's verification section: quotas used, replies late, calendars missing.

Computed from the log rows an auditor can open (``audit_report.timeline``), at the
hub's accept times — the same pure ledgers every client builds from its store.
``audit_report.compliance`` merges the result into its per-party report (English,
JSON); :func:`finding_lines` says it for a person (``audit_text``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hotline.protocol import load_preset
from hotline.protocol.calendar import exchange_status
from hotline.protocol.policy_base import HOUR_MS, Record
from hotline.protocol.verification import build_ledger

from .i18n import N_, _, fmt_date, fmt_number
from .search import short_id
from .verification import LEDGER_FAMILIES

__all__ = ["audit_findings", "finding_lines"]

#: per kind, so that each language can decline "inspection" and "evaluation visit" itself
QUOTA_USED = {
    "inspection": N_("inspections received in {year} under {policy}: {used} of {limit} (quota)"),
    "evaluation": N_(
        "evaluation visits received in {year} under {policy}: {used} of {limit} (quota)"
    ),
}
ANSWERED_LATE = {
    "inspection": N_(
        "inspection request …{id} from {requester} under {policy}: answered {hours} h late"
    ),
    "evaluation": N_(
        "evaluation visit request …{id} from {requester} under {policy}: answered {hours} h late"
    ),
}
UNANSWERED = {
    "inspection": N_(
        "inspection request …{id} from {requester} under {policy}: not answered by its deadline"
    ),
    "evaluation": N_(
        "evaluation visit request …{id} from {requester} under {policy}: not answered by its "
        "deadline"
    ),
}


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


def _quota_line(q: dict[str, Any]) -> str:
    limit = "?" if q["limit"] is None else fmt_number(q["limit"])
    line = _(QUOTA_USED.get(q["kind"], QUOTA_USED["inspection"])).format(
        year=q["year"], policy=q["policy"], used=fmt_number(q["used"]), limit=limit
    )
    full = q["limit"] is not None and q["used"] >= q["limit"]
    return line + " — " + _("quota exhausted") if full else line


def _reply_line(r: dict[str, Any]) -> str:
    table = ANSWERED_LATE if r["answered"] else UNANSWERED
    return _(table.get(r["kind"], table["inspection"])).format(
        id=short_id(r["request"]),
        requester=r["from"],
        policy=r["policy"],
        hours=fmt_number(r["hours_late"] or 0),
    )


def finding_lines(found: dict[str, Any]) -> list[str]:
    """One party's verification findings for a person, in the officer's language."""
    out = [_quota_line(q) for q in found.get("quotas_used", [])]
    out += [_reply_line(r) for r in found.get("replies_late", [])]
    out += [
        _("annual calendar for {year} missing under {policy} (due by {date})").format(
            year=c["year"], policy=c["policy"], date=fmt_date(c["due"])
        )
        for c in found.get("calendars_missing", [])
    ]
    return out
