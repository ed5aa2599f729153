"""Replay and compliance report over a verified audit bundle (pure: bytes in, rows out).

Every time the report measures from is the log's: an entry's ``at_ms``, the hub's accept
time, which the parties witness through the checkpoints they cosign. Never the sender's
``created_ms`` (nor a receipt signer's clock): a notice backdated by six days was once
dropped from the late list because lateness was measured from the sender's clock
(issue 15). ``created_ms`` is shown in the timeline, and the audit flags it when it lies
outside the skew bound (finding ``clock``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from hotline.protocol import (
    Envelope,
    Notification,
    Policy,
    ProtocolError,
    Receipt,
    decode_body,
    evaluate,
    id_text,
    load_preset,
    open_sealed,
)
from hotline.protocol.audit import Bundle
from hotline.protocol.events import LogEvent

from .home import Device
from .i18n import N_, _, family_name, fmt_datetime

#: the log's event types as a person reads them in the replay (codes stay in the JSON lines)
EVENTS = {
    "accepted": N_("accepted"),
    "receipt": N_("receipt"),
    "rejected": N_("refused"),
    "roster": N_("roster"),
    "undecodable": N_("undecodable"),
}
RECEIPTS = {"delivered": N_("delivered"), "read": N_("read"), "acknowledged": N_("acknowledged")}


def _event_name(event: str) -> str:
    base, sep, rest = event.partition(" ")
    label = EVENTS.get(base)
    return (_(label) if label else base) + sep + (_("(undecodable)") if rest else "")


def _receipt_kind(kind: str) -> str:
    label = RECEIPTS.get(kind)
    return _(label) if label else kind


__all__ = ["Row", "compliance", "timeline"]


@dataclass
class Row:
    """One line of the timeline."""

    index: int
    log_id: str
    at_ms: int
    event: str
    id: str = ""
    sender: str = ""
    device: str = ""
    recipients: tuple[str, ...] = ()
    family: str = ""
    precedence: str = ""
    exercise: bool = False
    created_ms: int = 0
    in_reply_to: str | None = None
    kind: str = ""  # receipt kind / rejection code
    body: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if v not in ("", None, (), False, 0)}
        out["index"] = self.index
        if isinstance(out.get("recipients"), tuple):
            out["recipients"] = list(out["recipients"])
        return out

    def to_text(self) -> str:
        """One line of ``hotline audit replay`` in the officer's language (UTC times)."""
        t = fmt_datetime(self.at_ms)
        ex = " [" + _("EXERCISE") + "]" if self.exercise else ""
        if self.event == "accepted":
            what = (
                f"{self.sender:<5} → {','.join(self.recipients):<18} {self.precedence:<9} "
                f"{family_name(self.family)}{ex} {self.id[:8]}"
            )
        elif self.event == "receipt":
            what = f"{self.device:<16} {_receipt_kind(self.kind):<12} {self.id[:8]}"
        elif self.event == "rejected":
            what = f"{self.device:<16} " + _("refused: {code}").format(code=self.kind)
        elif self.event == "roster":
            # kind is "roster version N" (English, for the JSON lines): say N in words here
            what = _("roster version {version}").format(version=self.kind.rpartition(" ")[2])
        else:
            what = self.kind or ""
        return f"{self.index:>7}  {t}  {_event_name(self.event):<10} {what}"


def _envelope_row(row: Row, env: Envelope, auditor: Device | None) -> None:
    row.id, row.sender, row.device = id_text(env.id), env.sender, env.device
    row.recipients, row.family = env.recipients, env.family
    row.precedence, row.exercise, row.created_ms = env.precedence, env.exercise, env.created_ms
    row.in_reply_to = id_text(env.in_reply_to) if env.in_reply_to else None
    if auditor is not None and auditor.enc is not None:
        try:
            plain = open_sealed(env.ciphertext, env.header_digest(), auditor.id, auditor.enc)
            row.body = decode_body(env.family, plain)
        except ProtocolError:
            row.body = None


def _row(i: int, sid: str, ev: LogEvent, auditor: Device | None) -> Row:
    row = Row(i, sid, ev.at_ms, ev.type)
    try:
        if ev.type == "accepted":
            _envelope_row(row, Envelope.decode(ev.payload), auditor)
        elif ev.type == "receipt":
            rc = Receipt.decode(ev.payload)
            row.id, row.device, row.kind = id_text(rc.message_id), rc.device, rc.kind
            row.created_ms = rc.at_ms
        elif ev.type == "rejected":
            row.device, row.kind = str(ev.extra.get("device", "")), str(ev.extra.get("code"))
        elif ev.type == "roster":
            row.kind = f"roster version {ev.extra.get('version')}"
        else:
            row.kind = ", ".join(f"{k}={v}" for k, v in sorted(ev.extra.items()) if k != "sig")
    except ProtocolError:
        row.event += " (undecodable)"
    return row


def timeline(b: Bundle, auditor: Device | None = None) -> list[Row]:
    """Every entry as a row; bodies only where ``auditor`` was sealed to."""
    rows = []
    for i, (sid, data) in enumerate(b.entries):
        try:
            rows.append(_row(i, sid, LogEvent.decode(data), auditor))
        except ProtocolError:
            rows.append(Row(i, sid, 0, "undecodable"))
    return rows


def _party() -> dict[str, Any]:
    return {
        "sent": 0,
        "late_notifications": [],
        "ack_seconds": [],
        "unacknowledged": 0,
        "clarifications_late": [],
        "clarifications_unanswered": [],
        "link_tests_missed": 0,
    }


def _receipt_times(rows: list[Row]) -> dict[tuple[str, str], dict[str, int]]:
    """(message id, party) → receipt kind → the log's time of the first such receipt."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for r in rows:
        if r.event == "receipt":
            out[(r.id, r.device.partition("/")[0])].setdefault(r.kind, r.at_ms)
    return out


def _late(per: dict[str, dict[str, Any]], m: Row, presets: list[Policy], now_ms: int) -> None:
    if m.family != "military_activity" or m.body is None:
        return
    for p in presets:
        v = evaluate(Notification(m.family, m.body, m.at_ms), p, now_ms)
        if v.notifiable and v.late:
            per[m.sender]["late_notifications"].append(
                {"id": m.id, "policy": p.id, "due": v.due_date, "name": m.body.get("name")}
            )


def _addressed(
    per: dict[str, dict[str, Any]], m: Row, receipts: dict[tuple[str, str], dict[str, int]]
) -> None:
    for party in m.recipients:
        _ = per[party]  # every party that was addressed appears in the report
        st = receipts.get((m.id, party), {})
        if "delivered" in st and "acknowledged" in st:
            per[party]["ack_seconds"].append((st["acknowledged"] - st["delivered"]) / 1000)
        elif m.precedence in ("FLASH", "IMMEDIATE") and not m.exercise:
            per[party]["unacknowledged"] += 1
        if m.family == "link_test" and "delivered" not in st:
            per[party]["link_tests_missed"] += 1


def _clarification(
    per: dict[str, dict[str, Any]], m: Row, hours: int, answer: Row | None, now_ms: int
) -> None:
    deadline = m.at_ms + hours * 3_600_000  # from the hub's accept time
    for party in m.recipients:
        if answer is None:
            if now_ms > deadline:
                per[party]["clarifications_unanswered"].append(m.id)
        elif answer.at_ms > deadline:
            late = round((answer.at_ms - deadline) / 3_600_000, 1)
            per[party]["clarifications_late"].append({"id": m.id, "answered_hours_late": late})


def _register_alerts(per: dict[str, dict[str, Any]], rows: list[Row]) -> None:
    from hotline.protocol.register import Notice, RegisterPolicy, build_register

    notices = [
        Notice(r.id, r.sender, r.family, r.at_ms, r.body)
        for r in rows
        if r.event == "accepted"
        and r.body is not None
        and r.family in ("annual_information", "arms_transfer")
    ]
    _holdings, alerts = build_register(notices, RegisterPolicy.load())
    for al in alerts:
        per[al.party].setdefault("register_alerts", []).append(
            {
                "kind": al.kind,
                "category": al.category,
                "notice": al.notice_id,
                "message": al.message,
            }
        )


def compliance(rows: list[Row], policies: list[str], now_ms: int) -> dict[str, Any]:
    """Per party: late notifications, ack times, overdue clarifications, missed link tests."""
    presets = [load_preset(p) for p in policies]
    per: dict[str, dict[str, Any]] = defaultdict(_party)
    receipts = _receipt_times(rows)
    answers: dict[str, Row] = {}
    for r in rows:
        if r.event == "accepted" and r.family == "clarification_response" and r.in_reply_to:
            answers.setdefault(r.in_reply_to, r)
    hours = int(presets[0].section("clarification").get("reply_hours", 48))
    for m in (r for r in rows if r.event == "accepted"):
        per[m.sender]["sent"] += 1
        _late(per, m, presets, now_ms)
        _addressed(per, m, receipts)
        if m.family == "clarification_request":
            _clarification(per, m, hours, answers.get(m.id), now_ms)
    _register_alerts(per, rows)
    from .verification_audit import audit_findings  # issue 18: quotas, late replies, calendars

    for party, found in audit_findings(rows, policies, now_ms).items():
        per[party].update(found)
    out: dict[str, Any] = {}
    for party, d in sorted(per.items()):
        acks = d.pop("ack_seconds")
        d["ack_median_s"] = sorted(acks)[len(acks) // 2] if acks else None
        d["ack_max_s"] = max(acks) if acks else None
        out[party] = d
    return out
