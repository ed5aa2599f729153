"""The command line end to end: init → serve → send → listen → acknowledge → status."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.server.redis_process import RedisProcess, free_port
from tests.client.helpers import hotline, lines
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import HubProcess
from tests.waits import wait_until_blocking

# how long a `listen --count 1` may wait for the message it expects
LISTEN = f"{20 * TIMEOUT_FACTOR:g}"

pytestmark = pytest.mark.slow


def test_init_serve_send_listen_ack_status(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "net"
    r = hotline("init", str(home), "--port", str(port))
    assert r.returncode == 0, r.stderr
    key = home / "devices" / "RS" / "officer-1" / "sign.key"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    # serve with the embedded Redis (no --redis): a real redis-server under hub/redis
    hub = subprocess.Popen(
        [sys.executable, "-m", "hotline.client", "serve", "--home", str(home)],
        env={**os.environ, "HOTLINE_HUB_METRICS_PORT": "0"},  # several hubs on this box
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert hub.stdout is not None
        started: list[str] = []
        while len(started) < 5 and not any("listening on" in x for x in started):
            started.append(hub.stdout.readline().decode())  # start-up lines, bounded
        assert any(f"wss://127.0.0.1:{port}/v1/ws" in x for x in started), started
        body = json.dumps({"text": "Provjera veze — Beograd", "lang": "sr-Latn"})
        r = hotline(
            "send",
            "--home",
            str(home),
            "--as",
            "RS",
            "--to",
            "HR,BA",
            "--type",
            "hotline_message",
            "--json",
            body,
            "--precedence",
            "FLASH",
        )
        assert r.returncode == 0, r.stderr
        sent = json.loads(r.stdout)
        assert sent["status"] == "accepted" and sent["position"]
        r = hotline(
            "listen", "--home", str(home), "--as", "HR", "--count", "1", "--timeout", LISTEN
        )
        assert r.returncode == 0, r.stderr
        (msg,) = lines(r.stdout)
        assert msg["id"] == sent["id"] and msg["verified"] is True
        assert msg["body"] == json.loads(body) and msg["sender"] == "RS"
        r = hotline("status", "--home", str(home), "--as", "RS", str(sent["id"]))
        st = json.loads(r.stdout)["recipients"]
        assert st["HR"]["state"] == "delivered" and st["BA"]["state"] == "pending"
        r = hotline("acknowledge", "--home", str(home), "--as", "HR", str(sent["id"]))
        assert r.returncode == 0, r.stderr
        r = hotline("status", "--home", str(home), "--as", "RS", str(sent["id"]))
        assert json.loads(r.stdout)["recipients"]["HR"]["state"] == "acknowledged"
        # a repeated acknowledgement answers at once: nothing new is signed or awaited
        r = hotline("acknowledge", "--home", str(home), "--as", "HR", str(sent["id"])[-12:])
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) | {"id": "-"} == {
            "id": "-",
            "acknowledged": True,
            "already": True,
            "queued": False,
        }
        # the auditor reads (it is sealed to) and never signs a receipt
        r = hotline(
            "listen", "--home", str(home), "--as", "AUDIT", "--count", "1", "--timeout", LISTEN
        )
        assert r.returncode == 0 and "refused" not in r.stderr, r.stderr
        assert lines(r.stdout)[0]["id"] == sent["id"]
        import sqlite3

        db = home / "devices" / "AUDIT" / "auditor-1" / "store.sqlite"
        with sqlite3.connect(db) as c:
            assert c.execute("SELECT count(*) FROM receipt_outbox").fetchone()[0] == 0
    finally:
        os.killpg(hub.pid, signal.SIGTERM)
        hub.wait(20 * TIMEOUT_FACTOR)
    assert (home / "hub" / "redis" / "appendonlydir").exists() or (
        home / "hub" / "redis" / "appendonly.aof"
    ).exists()


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    home = tmp_path / "net"
    assert hotline("init", str(home), "--suite", "classic").returncode == 0
    cases = [
        (
            [
                "send",
                "--home",
                str(home),
                "--as",
                "RS",
                "--to",
                "HR",
                "--type",
                "hotline_message",
                "--json",
                "{not json",
            ],
            "not valid JSON",
        ),
        (
            [
                "send",
                "--home",
                str(home),
                "--as",
                "RS",
                "--to",
                "ZZ",
                "--type",
                "hotline_message",
                "--json",
                '{"text": "x", "lang": "en"}',
            ],
            "unknown party 'ZZ'",
        ),
        (
            [
                "send",
                "--home",
                str(home),
                "--as",
                "QQ",
                "--to",
                "HR",
                "--type",
                "hotline_message",
                "--json",
                '{"text": "x", "lang": "en"}',
            ],
            "check --as",
        ),
        (
            [
                "send",
                "--home",
                str(home),
                "--as",
                "RS",
                "--to",
                "HR",
                "--type",
                "military_activity",
                "--json",
                '{"name": "x", "start": "2026-01-01", '
                '"end": "2026-01-02", "area": {"type": "Point", "coordinates": [20, 43]}, '
                '"troops": -1}',
            ],
            "troops: must be a non-negative integer",
        ),
        (["status", "--home", str(tmp_path / "nowhere"), "--as", "RS", "x"], "run `hotline init"),
    ]
    for argv, needle in cases:
        r = hotline(*argv)
        assert r.returncode != 0, argv
        assert "Traceback" not in r.stderr, r.stderr
        err = [ln for ln in r.stderr.splitlines() if ln.startswith("error:")]
        assert len(err) == 1 and needle in err[0], r.stderr
        if needle == "unknown party 'ZZ'":
            assert r.returncode == 2, "a wrong --to is a usage error, not a refusal"
    # a wrong family name: usage (exit 2), and the error lists the families to choose from
    r = hotline(*["send", "--home", str(home), "--as", "RS", "--to", "HR", "--type", "nope"],
                *["--json", "{}"])  # fmt: skip
    assert r.returncode == 2 and "invalid choice: 'nope'" in r.stderr
    assert "military_activity" in r.stderr and "Traceback" not in r.stderr


def test_outbox_queues_while_hub_down_then_delivers_once(
    tmp_path: Path, redis_server: RedisProcess
) -> None:
    port = free_port()
    home = tmp_path / "net"
    assert hotline("init", str(home), "--port", str(port), "--suite", "classic").returncode == 0
    body = json.dumps(
        {
            "severity": "critical",
            "sector": "government",
            "summary": "Ransomware on state portals (as in 2022)",
        }
    )
    r = hotline(
        "send",
        "--home",
        str(home),
        "--as",
        "AL",
        "--to",
        "ME",
        "--type",
        "cyber_incident",
        "--json",
        body,
    )
    assert r.returncode == 3, r.stderr  # queued: distinct exit code
    queued = json.loads(r.stdout)
    assert queued["status"] == "queued" and "outbox" in r.stderr
    hub = HubProcess(home, redis_server.url, port=port).start()
    try:
        # the next command for that device flushes the outbox first
        r = hotline("listen", "--home", str(home), "--as", "AL", "--timeout", "1")
        assert r.returncode == 0
        r = hotline(
            "listen", "--home", str(home), "--as", "ME", "--count", "1", "--timeout", LISTEN
        )
        (msg,) = lines(r.stdout)
        assert msg["id"] == queued["id"]
        r = hotline("listen", "--home", str(home), "--as", "ME", "--timeout", "1.5")
        assert lines(r.stdout) == []  # exactly once
    finally:
        hub.stop()


def test_client_killed_between_outbox_and_accepted_sends_once(
    tmp_path: Path, redis_server: RedisProcess
) -> None:
    import sqlite3

    port = free_port()
    home = tmp_path / "net"
    assert hotline("init", str(home), "--port", str(port), "--suite", "classic").returncode == 0
    hub = HubProcess(home, redis_server.url, port=port).start()
    try:
        hub.signal(signal.SIGSTOP)  # the hub hears nothing until we say so
        sender = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hotline.client",
                "send",
                "--home",
                str(home),
                "--as",
                "AL",
                "--to",
                "ME",
                "--type",
                "link_test",
                "--json",
                "{}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        db = home / "devices" / "AL" / "officer-1" / "store.sqlite"

        def queued_ids() -> list[tuple[str]]:  # another process's file: nothing to wait on
            if not db.exists():
                return []
            try:
                with sqlite3.connect(db) as c:
                    return c.execute("SELECT id FROM outbox").fetchall()
            except sqlite3.OperationalError:  # not created yet, or locked by the sender
                return []

        queued = wait_until_blocking(queued_ids, 30 * TIMEOUT_FACTOR, "the message in the outbox")
        sender.kill()  # between "written to the outbox" and "accepted"
        sender.wait(10 * TIMEOUT_FACTOR)
        hub.signal(signal.SIGCONT)
        r = hotline("listen", "--home", str(home), "--as", "AL", "--timeout", "2")
        assert r.returncode == 0, r.stderr  # the restart flushes the outbox
        r = hotline(
            "listen", "--home", str(home), "--as", "ME", "--count", "1", "--timeout", LISTEN
        )
        (msg,) = lines(r.stdout)
        assert msg["id"] == queued[0][0] and msg["family"] == "link_test"
        r = hotline("listen", "--home", str(home), "--as", "ME", "--timeout", "1.5")
        assert lines(r.stdout) == []
        with sqlite3.connect(db) as c:
            assert c.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
    finally:
        hub.stop()
