"""The verification measures in the officer's language, everywhere a user looks: the
Verification screen, `hotline check|verification|calendar`, the audit report and replay,
and a verification message opened in the console — while every JSON stays English."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from hotline.client import cli_audit
from hotline.client.attention import ReplyState
from hotline.client.audit_report import Row, compliance
from hotline.client.cli import main
from hotline.client.console.app import HotlineApp
from hotline.client.console.render import body_lines
from hotline.client.console.verification import VerificationScreen
from hotline.client.i18n import use
from hotline.client.store import Store
from hotline.protocol.audit import Bundle
from tests.client.snapshot import svg_text
from tests.client.test_verification_audit import scripted_year
from tests.client.verification_seed import NOW, POLICIES, REQ, seed, seeded_client
from tests.conftest import TIMEOUT_FACTOR
from tests.treaty_cases import inspection_request


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    use("en")


def hotline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.client", *args],
        capture_output=True,
        text=True,
        timeout=60 * TIMEOUT_FACTOR,
    )


async def test_the_verification_screen_in_croatian_fits_80x24(classic_home: Path) -> None:
    rs = seeded_client(classic_home, "RS")
    app = HotlineApp(rs, POLICIES, clock=lambda: NOW, live=False, lang="hr")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("v")
        screen = app.screen
        assert isinstance(screen, VerificationScreen)
        lines = svg_text(app.export_screenshot()).splitlines()
        assert lines[0].startswith(" Verifikacija kako je vidi RS — vienna-2011")
        assert lines[1].split() == ["Zahtjevi", "Kvote", "Kalendari", "Izvješća"]
        assert lines[-1].strip() == "Esc Natrag  p Pravila  r Odgovori na zahtjev"
        table = screen.query_one("#ver-requests", DataTable)
        heads = [str(c.label) for c in table.columns.values()]
        assert heads == ["Vrsta", "Od→Za", "Datumi", "Stanje", "Odgovoreno", "Kvota"]
        row = [str(c) for c in table.get_row_at(0)]
        assert row[0] == "inspekcija" and row[2] == "10. ožu 2027." and row[3] == "prihvaćeno"
        assert row[4] == "KASNI" and row[5] == "unutar kvote: 0 od 3 iskorišteno u 2027 (§75)"
        calendars = screen.query_one("#ver-calendars", DataTable)
        cells = {
            tuple(str(c) for c in calendars.get_row_at(i))[:4] for i in range(calendars.row_count)
        }
        assert ("RS", "2027", "Godišnji kalendar", "ISTEKLO") in cells
        await pilot.press("p")
        head = str(screen.query_one("#ver-head", Static).render())
        assert "regional-2026 (PRIMJER)" in head
    rs.store.close()


def _check(home: Path, lang: str, family: str, body: dict[str, Any]) -> Any:
    return hotline(
        "check", "--home", str(home), "--as", "HR", "--type", family,
        "--json", json.dumps(body), "--lang", lang,
    )  # fmt: skip


def test_hotline_check_speaks_serbian_cyrillic_and_keeps_its_json_english(
    classic_home: Path,
) -> None:
    r = _check(classic_home, "sr-Cyrl", "inspection_request", inspection_request())
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert lines[1].startswith("правила: према vienna-2011: HR тражи инспекцију код RS (§86: RS")
    assert "у оквиру квоте: 0 од 3 искоришћено у 2027 (§75)" in lines[1]
    vienna = json.loads(r.stdout)["verdicts"][1]
    assert vienna["headline"] == "inspection of RS requested by HR"
    assert vienna["notes"] == ["within quota: 0 of 3 used in 2027 (§75)"]
    r = _check(classic_home, "sr-Cyrl", "inspection_response", {"decision": "refuse"})
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1] == (
        "error: reason: is required: исправите садржај и поново проверите"
    )


def test_verification_and_calendar_show_in_the_officers_language(classic_home: Path) -> None:
    store = Store(classic_home / "devices" / "ME" / "officer-1" / "store.sqlite")
    seed(store, classic_home)
    store.close()
    home = str(classic_home)
    r = hotline("verification", "show", "--home", home, "--as", "ME", "--lang", "mk")
    assert r.returncode == 0, r.stderr
    assert "Верификација како ја гледа ME/officer-1 — vienna-2011" in r.stdout
    assert "инспекција  HR→RS" in r.stdout and "ДОЦНИ" in r.stdout
    assert "во рамки на квотата: 0 од 3 искористени во 2027 (§75)" in r.stdout
    assert "✓ потпишале: BA/officer-1, HR/officer-1, ME/officer-1" in r.stdout
    r = hotline("verification", "show", "--home", home, "--as", "ME", "--lang", "mk", "--json")
    req = json.loads(r.stdout)["policies"]["vienna-2011"]["requests"][0]
    assert req["quota"] == "within quota: 0 of 3 used in 2027 (§75)" and req["state"] == "accepted"
    r = hotline("calendar", "show", "--home", home, "--as", "ME", "--party", "RS", "--lang", "sq")
    assert "Kalendari vjetor" in r.stdout and "I VONUAR" in r.stdout and "15 nën 2026" in r.stdout


def test_the_audit_report_reads_in_croatian_and_its_json_stays_english(
    classic_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, at = scripted_year()
    monkeypatch.setattr(cli_audit, "_read", lambda _p: Bundle(header={"exported_ms": at}))
    monkeypatch.setattr(cli_audit, "timeline", lambda _b, _auditor: rows)
    argv = ["audit", "report", "x.bundle", "--home", str(classic_home), "--as", "AUDIT"]
    assert main([*argv, "--lang", "hr"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Pridržavanje po stranama u 1. svi 2027. 00:00:00 UTC")
    rs = text.split("\nRS\n")[1]
    assert (
        "  primljene inspekcije u 2027 prema vienna-2011: 4 od 3 (kvota) — kvota iscrpljena" in rs
    )
    assert "od HR prema vienna-2011: odgovoreno 2 h kasno" in rs
    assert "od BA prema vienna-2011: nije odgovoreno u roku" in rs
    assert "  nedostaje godišnji kalendar za 2027 prema vienna-2011 (rok 15. stu 2026.)" in rs
    assert main([*argv, "--lang", "hr", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report == json.loads(json.dumps(compliance(rows, ["regional-2026", "vienna-2011"], at)))


def test_a_replayed_log_line_in_albanian() -> None:
    use("sq")
    row = Row(7, "1-0", 1_790_000_000_000, "receipt", id="0190c1a4", device="RS/officer-1")
    row.kind = "acknowledged"
    assert row.to_text().split()[-3:-1] == ["RS/officer-1", "konfirmuar"]
    refused = Row(8, "2-0", 1_790_000_000_000, "rejected", device="RS/officer-1", kind="replay")
    assert "refuzuar: replay" in refused.to_text()


def test_an_inspection_request_opened_in_the_console_in_bosnian(classic_home: Path) -> None:
    hr = seeded_client(classic_home, "RS")
    use("bs")
    (m,) = [x for x in hr.store.inbox(100) if x.id == REQ]
    text = "\n".join(body_lines(m, POLICIES, NOW, ReplyState(None, True)))
    assert text.startswith("Zahtjev za inspekciju od HR")
    assert "strana koja provodi inspekciju: HR" in text and "inspicirana strana: RS" in text
    assert "Pravila: prema vienna-2011: HR traži inspekciju kod RS" in text
    hr.store.close()
