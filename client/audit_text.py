"""``hotline audit report`` for a person: the compliance report in the officer's language.

The JSON (``audit_report.compliance``, ``--json``) stays English and machine-stable;
this says the same per party, one line per finding, with dates and numbers in the
locale. Register alerts are the register's English messages, shown as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .i18n import _, fmt_date, fmt_datetime, fmt_number, ngettext
from .search import short_id
from .verification_audit import finding_lines

__all__ = ["report_lines"]


def _acks(d: Mapping[str, Any]) -> list[str]:
    out = []
    if d.get("ack_median_s") is not None:
        out.append(
            _("acknowledged {median} s after delivery (median), {max} s at most").format(
                median=fmt_number(round(d["ack_median_s"])), max=fmt_number(round(d["ack_max_s"]))
            )
        )
    if d["unacknowledged"]:
        n = d["unacknowledged"]
        out.append(
            ngettext(
                "{n} FLASH or IMMEDIATE message never acknowledged",
                "{n} FLASH or IMMEDIATE messages never acknowledged",
                n,
            ).format(n=fmt_number(n))
        )
    return out


def _clarifications(d: Mapping[str, Any]) -> list[str]:
    out = [
        _("clarification request …{id} answered {hours} h late").format(
            id=short_id(c["id"]), hours=fmt_number(c["answered_hours_late"])
        )
        for c in d["clarifications_late"]
    ]
    out += [
        _("clarification request …{id} never answered").format(id=short_id(mid))
        for mid in d["clarifications_unanswered"]
    ]
    if d["link_tests_missed"]:
        n = d["link_tests_missed"]
        out.append(
            ngettext("{n} link test never delivered", "{n} link tests never delivered", n).format(
                n=fmt_number(n)
            )
        )
    return out


def party_lines(d: Mapping[str, Any]) -> list[str]:
    """One party's findings, the sent count first; a line saying so when there are none."""
    out = [
        _("sent late under {policy}: {name} …{id} (due by {date})").format(
            policy=x["policy"],
            name=x.get("name") or "",
            id=short_id(x["id"]),
            date=fmt_date(x["due"]),
        )
        for x in d["late_notifications"]
    ]
    out += _acks(d) + _clarifications(d)
    out += [
        _("register: {message}").format(message=a["message"]) for a in d.get("register_alerts", [])
    ]
    out += finding_lines(d)
    sent = ngettext("{n} message sent", "{n} messages sent", d["sent"]).format(
        n=fmt_number(d["sent"])
    )
    return [sent, *(out or [_("nothing late, missing or unacknowledged")])]


def report_lines(report: Mapping[str, Mapping[str, Any]], at_ms: int) -> list[str]:
    """The whole report: a title with the time it is judged at, then each party."""
    out = [
        _("Compliance per party at {time} UTC (the log's accept times)").format(
            time=fmt_datetime(at_ms)
        )
    ]
    for party, d in report.items():
        out += ["", party, *(f"  {line}" for line in party_lines(d))]
    return out
