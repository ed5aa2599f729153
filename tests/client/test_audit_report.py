"""Compliance report on a scripted week; bundle reader robustness; `audit verify` exit codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from hotline.client.audit_report import compliance, timeline
from hotline.client.home import Device
from hotline.protocol import ProtocolError, Receipt
from hotline.protocol.audit import MAGIC, Checkpoint, bundle_record, read_bundle, verify_bundle
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import Frontier, leaf_hash
from hotline.protocol.witness import Cosignature
from tests.factories import AREA, make_envelope, make_network

DAY = 86_400_000
H = 3_600_000


def ms(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).replace(tzinfo=dt.UTC).timestamp() * 1000)


MON = ms("2026-11-16T09:00:00")


def scripted_week() -> tuple[bytes, Device, int]:
    net = make_network(auditor_copies=True)
    assert net.roster is not None
    hub = net["HUB/hub-1"]

    def log(ev: LogEvent) -> None:
        events.append(ev.signed(hub.sign).encode())

    events: list[bytes] = []
    log(LogEvent("roster", MON - 1, hub.device_id, net.roster.encode(), {"version": 1}))
    seq = iter(range(1, 1000))

    def send(
        at: int, sender: str, to: tuple[str, ...], family: str, body: dict[str, Any], **kw: Any
    ) -> bytes:
        kw_at = {k: kw.pop(k) for k in ("accept",) if k in kw}
        env = make_envelope(
            net, sender, to, family, body, seq=next(seq), created_ms=at, label=f"w{at}", **kw
        )
        log(LogEvent("accepted", kw_at.pop("accept", at + 50), hub.device_id, env.encode()))
        return env.id

    def receipt(at: int, mid: bytes, device: str, kind: str) -> None:
        r = Receipt(1, mid, device, kind, at).signed(net[device].sign)
        log(LogEvent("receipt", at + 10, hub.device_id, r.encode(), {"sender": "?"}))

    def exercise(name: str, troops: int, start: str) -> dict[str, Any]:
        return {"name": name, "start": start, "end": start, "area": AREA, "troops": troops}

    # Monday: Serbia notifies a 10,000-troop exercise starting in 10 days: late under both
    late = send(
        MON,
        "RS/officer-1",
        ("BA", "HR"),
        "military_activity",
        exercise("Late Shield", 10_000, "2026-11-26"),
        precedence="PRIORITY",
    )
    receipt(MON + 60_000, late, "HR/officer-1", "delivered")
    receipt(MON + 300_000, late, "HR/officer-1", "acknowledged")
    # Tuesday: Croatia notifies 1,200 troops 30 days ahead: on time
    send(
        MON + DAY,
        "HR/officer-1",
        ("RS",),
        "military_activity",
        exercise("Two battalions", 1200, "2026-12-17"),
        precedence="PRIORITY",
    )
    # Wednesday: Bosnia asks Serbia; Serbia answers 60 h later (deadline 48 h)
    q1 = send(
        MON + 2 * DAY,
        "BA/officer-1",
        ("RS",),
        "clarification_request",
        {"question": "Why so many troops?", "lang": "en"},
        in_reply_to=late,
        precedence="IMMEDIATE",
    )
    send(
        MON + 2 * DAY + 60 * H,
        "RS/officer-1",
        ("BA",),
        "clarification_response",
        {"answer": "Rotation.", "lang": "en"},
        in_reply_to=q1,
        precedence="IMMEDIATE",
    )
    # Thursday: Croatia asks Montenegro, never answered
    send(
        MON + 3 * DAY,
        "HR/officer-1",
        ("ME",),
        "clarification_request",
        {"question": "Radar activity?", "lang": "en"},
        in_reply_to=late,
        precedence="IMMEDIATE",
    )
    # Friday: link tests to XK (never delivered) and AL (delivered)
    lt1 = send(MON + 4 * DAY, "ME/officer-1", ("XK",), "link_test", {}, precedence="ROUTINE")
    lt2 = send(MON + 4 * DAY + 1, "ME/officer-1", ("AL",), "link_test", {}, precedence="ROUTINE")
    receipt(MON + 4 * DAY + 1000, lt2, "AL/officer-1", "delivered")
    _ = lt1
    # Saturday: Montenegro notifies 40 days ahead of the start, its clock set 6 days back
    # (46 days: on time by the sender's clock, late by the hub's accept time)
    send(
        MON + 5 * DAY - 6 * DAY,
        "ME/officer-1",
        ("HR",),
        "military_activity",
        exercise("Backdated", 10_000, "2027-01-01"),
        precedence="PRIORITY",
        accept=MON + 5 * DAY,
    )
    key = hub.sign
    leaves = [leaf_hash(e) for e in events]
    f = Frontier()
    for leaf in leaves:
        f.append(leaf)
    cp = Checkpoint.make(key, "cbm-hotline", hub.device_id, f.root(), MON + 6 * DAY, 0, leaves)
    out = MAGIC + bundle_record("header", {"exported_ms": MON + 6 * DAY})
    out += bundle_record("roster", net.roster.encode())
    for i, e in enumerate(events):
        out += bundle_record("entry", [f"{MON + i}-0", e])
    out += bundle_record("checkpoint", cp.encode())
    for p in ("AL", "BA", "HR", "ME"):  # a quorum of parties witnessed it
        cosig = Cosignature.make(net[f"{p}/officer-1"].sign, f"{p}/officer-1", cp, cp.at_ms)
        out += bundle_record("cosignature", cosig.encode())
    aud = net["AUDIT/auditor-1"]
    device = Device(aud.device_id, "auditor", aud.sign, aud.enc, Path("/nonexistent"))
    return out, device, MON + 6 * DAY


def test_compliance_report_on_a_scripted_week() -> None:
    data, auditor, now = scripted_week()
    assert verify_bundle(data).ok
    rows = timeline(read_bundle(data), auditor)
    assert all(r.body is not None for r in rows if r.event == "accepted")
    rep = compliance(rows, ["vienna-2011", "regional-2026"], now)
    late = rep["RS"]["late_notifications"]
    assert {x["policy"] for x in late} == {"vienna-2011", "regional-2026"}
    assert all(x["name"] == "Late Shield" for x in late)
    assert rep["HR"]["late_notifications"] == []
    # issue 15: lateness is measured from the log's accept time, not the sender's clock
    assert [x["name"] for x in rep["ME"]["late_notifications"]] == ["Backdated"]
    assert [x["answered_hours_late"] for x in rep["RS"]["clarifications_late"]] == [12.0]
    assert len(rep["ME"]["clarifications_unanswered"]) == 1
    assert rep["BA"]["clarifications_unanswered"] == []
    assert rep["XK"]["link_tests_missed"] == 1 and rep["AL"]["link_tests_missed"] == 0
    assert rep["HR"]["ack_median_s"] == 240.0


def test_bodies_hidden_without_the_auditor_key() -> None:
    data, _auditor, _ = scripted_week()
    rows = timeline(read_bundle(data), None)
    assert all(r.body is None for r in rows)
    assert rows[1].family == "military_activity" and rows[1].sender == "RS"


def test_cli_verify_exit_codes(tmp_path: Path) -> None:
    data, _a, _n = scripted_week()
    good = tmp_path / "good.bundle"
    good.write_bytes(data)
    r = subprocess.run(
        [sys.executable, "-m", "hotline.client", "audit", "verify", str(good)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    bad = bytearray(data)
    bad[len(data) // 2] ^= 0x40
    (tmp_path / "bad.bundle").write_bytes(bytes(bad))
    r = subprocess.run(
        [sys.executable, "-m", "hotline.client", "audit", "verify", str(tmp_path / "bad.bundle")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 5 and r.stderr.startswith("error: the log fails verification")
    assert "edited" in r.stdout and "Traceback" not in r.stderr


@given(st.binary(max_size=300))
def test_bundle_reader_random_input(data: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        read_bundle(MAGIC + data)
    assert not verify_bundle(MAGIC + data[:0] + b"\x00\x00\x00\x05junk").ok


def test_bundle_truncation_never_crashes() -> None:
    data, _a, _n = scripted_week()
    for cut in range(0, len(data), max(1, len(data) // 300)):
        rep = verify_bundle(data[:cut])
        # a cut file is never reported intact and fully covered by a signed checkpoint
        assert not rep.ok or rep.covered < rep.entries or rep.entries == 0
