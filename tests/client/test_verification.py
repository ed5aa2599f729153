"""Verification where users look: the store's ledger, `hotline check|verification|calendar`,
the console's Verification screen — and the compose screen showing the same check as the CLI."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from textual.widgets import DataTable, Input, Static

from hotline.client.console.app import HotlineApp
from hotline.client.console.compose import ComposeScreen
from hotline.client.console.messages import Navigate
from hotline.client.console.verification import VerificationScreen
from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from hotline.client.i18n.verdicts import verdict_text
from hotline.client.store import Store
from hotline.client.verification import build_view, check_message, record_time
from hotline.protocol import validate_body
from hotline.protocol.verification_report import sign_report
from tests.conftest import TIMEOUT_FACTOR
from tests.treaty_cases import inspection_request, ms, report_content

POLICIES = ["vienna-2011", "regional-2026"]
ALL = ["AL", "BA", "HR", "ME", "MK", "RS", "XK"]
REQ = "019e7044-8800-7000-8000-0000000000a1"
ANS = "019e7044-8800-7000-8000-0000000000a2"
REP = "019e7044-8800-7000-8000-0000000000a3"
NOW = ms("2027-01-12T12:00")


def deliver(
    store: Store, mid: str, sender: str, family: str, at: str, body: Any, **kw: Any
) -> None:
    """What a HubClient writes after it verified and opened a message."""
    store.store_incoming(
        {
            "id": mid,
            "sender": sender,
            "device": f"{sender}/officer-1",
            "family": family,
            "precedence": "IMMEDIATE",
            "exercise": False,
            "created_ms": ms(at),
            "received_ms": ms(at) + 500,
            "body": validate_body(family, body),
            "recipients": [p for p in ALL if p != sender],
            "verified": kw.pop("verified", True),
            "seq": 1,
            "in_reply_to": kw.pop("in_reply_to", None),
        },
        b"",
    )


def seed(store: Store, home: Path) -> None:
    """HR asks to inspect RS; RS answers two hours late; the mixed team's report."""
    deliver(store, REQ, "HR", "inspection_request", "2027-01-10T09:00", inspection_request())
    deliver(
        store,
        ANS,
        "RS",
        "inspection_response",
        "2027-01-11T11:00",
        {"decision": "accept"},
        in_reply_to=REQ,
    )
    body = report_content(REQ)
    for dev in ("HR/officer-1", "BA/officer-1", "ME/officer-1"):
        body = sign_report(body, dev, Home(home).device(dev).sign)
    deliver(store, REP, "HR", "inspection_report", "2027-03-12T09:00", body, in_reply_to=REQ)
    deliver(
        store,
        "019e7044-8800-7000-8000-0000000000a9",
        "HR",
        "inspection_request",
        "2027-01-11T09:00",
        inspection_request(),
        verified=False,
    )


def test_the_ledger_from_a_devices_store(classic_home: Path, tmp_path: Path) -> None:
    home = Home(classic_home)
    store = Store(tmp_path / "store.sqlite")
    seed(store, classic_home)
    view = build_view(store, home.roster(NOW), "ME", POLICIES, NOW)
    (st,) = view.ledgers["vienna-2011"].requests  # the unverified copy is not counted
    assert (st.requester, st.requested, st.state(NOW), st.late()) == ("HR", "RS", "accepted", True)
    assert st.reports == [REP]
    (rep,) = view.reports
    assert rep.problem is None and rep.signers == ("BA/officer-1", "HR/officer-1", "ME/officer-1")
    assert view.ledgers["regional-2026"].requests[0].late() is False  # 48 h
    cal = {(e.family, e.party, e.year): e.state for e in view.exchanges["vienna-2011"]}
    assert cal[("annual_calendar", "RS", 2027)] == "overdue"
    json.dumps(view.to_json())
    store.close()


def test_lateness_is_judged_at_one_time_the_accept_time_when_known() -> None:
    assert record_time({"created_ms": 5}) == 5
    assert record_time({"created_ms": 5, "accepted_ms": 9}) == 9
    assert record_time(SimpleNamespace(created_ms=5, accepted_ms=None)) == 5  # type: ignore[arg-type]
    assert record_time(SimpleNamespace(created_ms=5, accepted_ms=7)) == 7  # type: ignore[arg-type]


def hotline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.client", *args],
        capture_output=True,
        text=True,
        timeout=60 * TIMEOUT_FACTOR,
    )


def test_cli_check_sends_nothing_and_prints_every_verdict(classic_home: Path) -> None:
    home = str(classic_home)
    body = {
        "name": "Winter Shield",
        "start": "2031-01-12",
        "end": "2031-01-20",
        "area": {"type": "Point", "coordinates": [19.8, 45.3]},
        "troops": 10_000,
        "aircraft_sorties": 240,
    }
    r = hotline(
        "check",
        "--home",
        home,
        "--as",
        "RS",
        "--type",
        "military_activity",
        "--json",
        json.dumps(body),
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["ok"] and [v["policy"] for v in out["verdicts"]] == ["regional-2026", "vienna-2011"]
    assert any(w.startswith("vienna-2011: §40.1.2") for w in out["warnings"])
    assert "policy: notifiable under vienna-2011" in r.stderr
    only = ("--policy", "vienna-2011", "--to", "HR", "BA")
    r = hotline(
        "check",
        "--home",
        home,
        "--as",
        "RS",
        "--type",
        "military_activity",
        "--json",
        json.dumps(body),
        *only,
    )
    assert [v["policy"] for v in json.loads(r.stdout)["verdicts"]] == ["vienna-2011"]
    r = hotline(
        "check",
        "--home",
        home,
        "--as",
        "RS",
        "--type",
        "inspection_response",
        "--json",
        '{"decision": "refuse"}',
    )
    assert r.returncode == 1 and json.loads(r.stdout)["errors"][0]["field"] == "reason"
    assert r.stderr.strip().splitlines()[-1] == (
        "error: reason: is required: fix the body and check again"
    )
    r = hotline("check", "--home", home, "--as", "RS", "--type", "link_test", "--json", "{oops")
    assert r.returncode == 2 and r.stderr.startswith("error: the body is not valid JSON")
    assert "Traceback" not in r.stderr
    outbox = Store(classic_home / "devices" / "RS" / "officer-1" / "store.sqlite")
    assert outbox.outbox_count() == 0 and outbox.sent() == []  # nothing was sent
    outbox.close()


def test_cli_verification_and_calendar_show(classic_home: Path) -> None:
    store = Store(classic_home / "devices" / "ME" / "officer-1" / "store.sqlite")
    seed(store, classic_home)
    store.close()
    home = str(classic_home)
    r = hotline("verification", "show", "--home", home, "--as", "ME", "--json")
    assert r.returncode == 0, r.stderr
    vienna = json.loads(r.stdout)["policies"]["vienna-2011"]
    (req,) = vienna["requests"]
    assert req["late"] is True and req["quota"] == "within quota: 0 of 3 used in 2027 (§75)"
    assert vienna["quotas"][0] | {"by_requester": None} == {
        "kind": "inspection",
        "party": "RS",
        "year": 2027,
        "limit": 3,
        "same_party_limit": 1,
        "used": 1,
        "by_requester": None,
        "cite": "§75",
    }
    r = hotline("verification", "show", "--home", home, "--as", "ME")
    assert "inspection  HR→RS" in r.stdout and "LATE" in r.stdout
    assert "✓ signed by BA/officer-1, HR/officer-1, ME/officer-1" in r.stdout
    r = hotline("calendar", "show", "--home", home, "--as", "ME", "--party", "RS", "--year", "2027")
    assert r.returncode == 0 and "RS     2027  Annual calendar" in r.stdout
    r = hotline(
        "calendar", "show", "--home", home, "--as", "ME", "--json", "--policy", "vienna-2011"
    )
    rows = json.loads(r.stdout)["vienna-2011"]
    assert {x["state"] for x in rows} <= {"submitted", "late", "due", "overdue"} and rows


def seeded_client(home: Path, party: str) -> HubClient:
    c = HubClient(Home(home), party)  # offline: everything here is computed locally
    seed(c.store, home)
    return c


async def test_verification_screen_shows_the_ledger_and_asks_to_answer(classic_home: Path) -> None:
    rs = seeded_client(classic_home, "RS")
    app = HotlineApp(rs, POLICIES, clock=lambda: NOW, live=False)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, VerificationScreen)
        table = screen.query_one("#ver-requests", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[:2] == ["inspection", "HR→RS"] and row[3] == "accepted" and row[4] == "LATE"
        head = str(screen.query_one("#ver-head", Static).render())
        assert "vienna-2011" in head
        await pilot.press("p")
        assert "regional-2026 (EXAMPLE)" in str(screen.query_one("#ver-head", Static).render())
        reports = screen.query_one("#ver-reports", DataTable)
        assert str(reports.get_row_at(0)[3]).startswith("✓ BA/officer-1")
        await pilot.press("r")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert (compose.family, compose.reply_to, compose.to) == ("inspection_response", REQ, "HR")
    rs.store.close()


async def test_compose_shows_the_same_check_as_the_cli(classic_home: Path) -> None:
    hr = seeded_client(classic_home, "HR")
    app = HotlineApp(hr, POLICIES, clock=lambda: NOW, live=False)
    async with app.run_test(size=(120, 45)) as pilot:
        app.on_navigate(Navigate("compose", family="inspection_request", to="all"))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        await asyncio.wait_for(screen.fields_ready.wait(), 10 * TIMEOUT_FACTOR)
        body = inspection_request("2027-06-10", "HR", team=[{"name": "A", "party": "HR"}])
        for name in ("inspecting", "inspected", "start", "end", "grounds"):
            screen.query_one(f"#f-{name}", Input).value = str(body[name])
        screen.query_one("#f-area", Input).value = json.dumps(body["area"])
        screen.query_one("#f-team", Input).value = json.dumps(body["team"])
        await pilot.pause()
        shown = str(screen.query_one("#verdict", Static).render())
        expected = check_message(
            hr.store,
            hr.roster,
            "HR",
            "inspection_request",
            screen.validate_form(),
            recipients=[p for p in ALL if p != "HR"],
            policies=POLICIES,
            now_ms=NOW,
        )
        # the same verdicts; the console says them in the officer's language and formats
        assert [verdict_text(v) for v in expected.verdicts] == shown.splitlines()
        assert "quota from HR exhausted: RS may decline (1 of 1 from HR in 2027, §76)" in shown
    hr.store.close()


def test_send_states_the_quota_from_the_devices_history(classic_home: Path) -> None:
    """`hotline send` judges with what the device holds, like `check` and compose."""
    import argparse

    from hotline.client.cli_messages import _verdicts

    hr = seeded_client(classic_home, "HR")
    body = inspection_request("2027-06-10", "HR", team=[{"name": "A", "party": "HR"}])
    a = argparse.Namespace(to="all", family="inspection_request", reply_to=None, supersedes=None)
    texts = [v.summary() for v in _verdicts(hr, a, body, POLICIES, NOW)]
    assert any("quota from HR exhausted: RS may decline" in t for t in texts), texts
    hr.store.close()
