"""`hotline inbox`, help and metavars, one-line errors (no hub needed)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.client.cli import build_parser, main, parsers
from hotline.client.home import Home
from hotline.client.hub_client import HubClient
from tests.client.console.seed import FLASH_ID, seed
from tests.conftest import TIMEOUT_FACTOR


def _seeded(home: Path) -> None:
    hr = HubClient(Home(home), "HR")
    seed(hr)
    hr.store.set_my_rank("0190c1a4-0000-7000-8000-000000000004", 1)
    hr.store.close()


def test_inbox_lists_searches_and_filters(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seeded(home)
    assert main(["inbox", "--home", str(home), "--as", "HR", "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(rows) == 4 and rows[0]["short_id"] == FLASH_ID.replace("-", "")[-12:]
    assert main(["inbox", "--home", str(home), "--as", "HR", "--search", "ниш", "--json"]) == 0
    assert [json.loads(x)["id"] for x in capsys.readouterr().out.splitlines()] == [FLASH_ID]
    assert main(["inbox", "--home", str(home), "--as", "HR", "--unread", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3  # the link test was opened
    assert main(["inbox", "--home", str(home), "--as", "HR", "--search", "from:XK"]) == 0
    out = capsys.readouterr().out
    assert "Military activity" in out and "Defender Europe 25" in out and "RS " not in out
    assert main(["inbox", "--home", str(home), "--as", "HR", "--lang", "hr"]) == 0
    assert "Vojna aktivnost" in capsys.readouterr().out


def test_every_option_has_help_and_a_readable_metavar() -> None:
    for p in parsers(build_parser()):
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
                continue
            name = "/".join(action.option_strings) or action.dest
            assert action.help, f"{p.prog} {name}: no help"
            if action.option_strings and action.nargs != 0 and action.choices is None:
                assert action.metavar and "_" not in str(action.metavar), f"{p.prog} {name}"


def test_expected_failures_are_one_line_with_the_fix(
    home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _seeded(home)
    assert main(["acknowledge", "--home", str(home), "--as", "HR", "nosuchid"]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no message nosuchid")
    assert "hotline inbox" in err[0]
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"not a bundle at all")
    assert main(["audit", "replay", str(garbage)]) != 0
    assert "is not an audit bundle" in capsys.readouterr().err


def test_a_closed_pipe_is_not_an_error(home: Path) -> None:
    _seeded(home)
    cmd = [sys.executable, "-m", "hotline.client", "inbox", "--home", str(home), "--as", "HR"]
    producer = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None
    producer.stdout.readline()
    producer.stdout.close()  # like `| head -1`
    _out, err = producer.communicate(timeout=60 * TIMEOUT_FACTOR)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err


async def test_commands_say_how_many_messages_arrived_unseen(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hotline.client.cli_messages import Connected
    from hotline.client.events import MessageReceived, SecurityAlert

    hr = HubClient(Home(home), "HR")
    seed(hr)
    conn = Connected(hr, True, hr.subscribe())
    for m in hr.store.inbox()[:2]:
        hr._emit(MessageReceived(m))
    hr._emit(SecurityAlert("x", "bad receipt"))
    conn.drain()
    assert conn.unseen == 2 and [a.detail for a in hr.store.alerts()] == ["bad receipt"]
    from hotline.client.cli_common import note_unseen

    note_unseen(conn.unseen, home, "HR/officer-1")
    err = capsys.readouterr().err
    assert "2 new messages arrived and were stored, not shown" in err and "--unread" in err
    hr.store.close()


async def test_a_security_alert_seen_by_a_command_is_exit_5(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README's exit table: 5 when a security alert was seen, unless queued/refused say more."""
    from hotline.client.cli_common import EXIT
    from hotline.client.cli_inbox import cmd_inbox
    from hotline.client.cli_messages import Connected
    from hotline.client.events import SecurityAlert

    hr = HubClient(Home(home), "HR")
    seed(hr)
    conn = Connected(hr, True, hr.subscribe())
    assert conn.exit_code(EXIT["ok"]) == EXIT["ok"]
    hr._emit(SecurityAlert.of("d-1", "delivery_refused", reason="bad_signature: x"))
    assert conn.exit_code(EXIT["ok"]) == EXIT["unverified"]
    assert conn.exit_code(EXIT["queued"]) == EXIT["queued"]
    assert [a.detail for a in hr.store.alerts()] == ["refused delivery: bad_signature: x"]
    hr.store.close()
    # the inbox is read from the store: it says that alerts wait to be looked at
    capsys.readouterr()
    args = argparse.Namespace(
        home=home, as_="HR", search=None, unread=False, unacked=False, overdue=False,
        since=None, json=True,
    )  # fmt: skip
    assert cmd_inbox(args) == EXIT["ok"]
    assert "1 security or register alert not yet looked at" in capsys.readouterr().err
