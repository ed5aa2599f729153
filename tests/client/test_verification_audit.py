"""The audit report lists quotas used, replies late and calendars missing (accept times)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotline.client.audit_report import compliance, timeline
from hotline.client.home import Device
from hotline.protocol import id_text, parse_id_text
from hotline.protocol.audit import Bundle
from hotline.protocol.events import LogEvent
from hotline.protocol.verification_report import sign_report
from tests.factories import make_envelope, make_network
from tests.treaty_cases import inspection_request, ms, report_content

H = 3_600_000
ALL = ("AL", "BA", "HR", "ME", "MK", "RS", "XK")


def scripted_year() -> tuple[list[Any], int]:
    """Four requests to RS in 2027 (the first answered 26 h after it was accepted), a
    mixed-team report, and a 2027 calendar from HR only."""
    net = make_network(auditor_copies=True)
    entries: list[tuple[str, bytes]] = []
    seq = iter(range(1, 1000))

    def send(at: int, sender: str, family: str, body: dict[str, Any], **kw: Any) -> str:
        to = tuple(p for p in ALL if p != sender.partition("/")[0])
        env = make_envelope(
            net,
            sender,
            to,
            family,
            body,
            seq=next(seq),
            created_ms=at,
            label=f"y{at}",
            precedence="ROUTINE",
            **kw,
        )
        # the hub accepted it 30 s later: lateness is judged at this time, not the sender's
        entries.append(
            (f"{at}-0", LogEvent("accepted", at + 30_000, "HUB/hub-1", env.encode()).encode())
        )
        return id_text(env.id)

    first = send(ms("2027-01-10T09:00"), "HR/officer-1", "inspection_request", inspection_request())
    send(
        ms("2027-01-11T11:00"),
        "RS/officer-1",
        "inspection_response",
        {"decision": "accept"},
        in_reply_to=_bytes(first),
    )
    for i, p in enumerate(("BA", "ME", "MK")):
        team = [{"name": "Insp.", "party": p}]
        body = inspection_request(f"2027-0{i + 3}-10", p, team=team)
        send(ms(f"2027-0{i + 2}-01T09:00"), f"{p}/officer-1", "inspection_request", body)
    report = report_content(first)
    for dev in ("HR/officer-1", "BA/officer-1", "ME/officer-1"):
        report = sign_report(report, dev, net[dev].sign)
    send(
        ms("2027-03-12T09:00"),
        "HR/officer-1",
        "inspection_report",
        report,
        in_reply_to=_bytes(first),
    )
    send(
        ms("2026-11-10T09:00"), "HR/officer-1", "annual_calendar", {"year": 2027, "activities": []}
    )
    aud = net["AUDIT/auditor-1"]
    auditor = Device(aud.device_id, "auditor", aud.sign, aud.enc, Path("/nonexistent"))
    return timeline(Bundle(entries=entries), auditor), ms("2027-05-01T00:00")


def _bytes(mid: str) -> bytes:
    return parse_id_text(mid)


def test_audit_report_lists_quotas_late_replies_and_missing_calendars() -> None:
    rows, now = scripted_year()
    assert all(r.body is not None for r in rows)
    rep = compliance(rows, ["vienna-2011", "regional-2026"], now)
    rs = rep["RS"]
    vienna = [q for q in rs["quotas_used"] if q["policy"] == "vienna-2011"]
    assert vienna == [
        {"policy": "vienna-2011", "kind": "inspection", "year": 2027, "used": 4, "limit": 3}
    ]
    (late,) = [x for x in rs["replies_late"] if x["policy"] == "vienna-2011" and x["answered"]]
    assert late["from"] == "HR" and late["answered"] and late["hours_late"] == 2.0
    unanswered = [
        x for x in rs["replies_late"] if x["policy"] == "vienna-2011" and not x["answered"]
    ]
    assert {x["from"] for x in unanswered} == {"BA", "ME", "MK"}  # and never answered
    missing = {(m["policy"], m["year"]) for m in rs["calendars_missing"]}
    assert ("vienna-2011", 2027) in missing and ("regional-2026", 2027) in missing
    assert not [m for m in rep["HR"]["calendars_missing"] if m["year"] == 2027]
    assert rep["HR"]["replies_late"] == [] and rep["HR"]["quotas_used"] == []
