"""`hotline audit verify`: a row per finding, the summary, --json, exits 0 / 5 / 6, and
garbage told apart from a truncated bundle."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.protocol.audit_factory import bundle, every_kind, make_log


def hotline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.client", "audit", *args], capture_output=True, text=True
    )


def _clean(tmp_path: Path) -> Path:
    log = make_log()
    for _ in range(5):
        log.send()
    p = tmp_path / "clean.bundle"
    p.write_bytes(bundle(log))
    return p


def test_every_finding_is_a_row(tmp_path: Path) -> None:
    data, _party, expected = every_kind()
    p = tmp_path / "bad.bundle"
    p.write_bytes(data)
    r = hotline("verify", str(p))
    assert r.returncode == 5, r.stderr
    rows = r.stdout.splitlines()[:-1]
    got = [(row.split()[2], None if row.split()[0] == "-" else int(row.split()[0])) for row in rows]
    # the party-held checkpoint was not given: no rolled-back finding
    assert sorted(got, key=str) == sorted([x for x in expected if x[0] != "truncated"], key=str)
    assert "14 errors, 2 warnings" in r.stdout.splitlines()[-1]
    assert r.stderr.startswith("error: the log fails verification") and "Traceback" not in r.stderr


def test_json(tmp_path: Path) -> None:
    data, _party, _ = every_kind()
    p = tmp_path / "bad.bundle"
    p.write_bytes(data)
    r = hotline("verify", "--json", str(p))
    out = json.loads(r.stdout)
    assert r.returncode == 5 and out["ok"] is False and out["severity"] == "error"
    assert out["summary"]["rule_violation"] == {"error": 2}
    assert {
        "position": 5,
        "stream_id": None,
        "kind": "missing",
        "severity": "error",
        "detail": "an entry the hub signed is not in the log",
    } in out["findings"]


def test_exit_codes_clean_and_warnings_only(tmp_path: Path) -> None:
    p = _clean(tmp_path)
    r = hotline("verify", str(p))
    assert r.returncode == 0 and r.stderr == "" and "0 errors, 0 warnings" in r.stdout
    log = make_log()
    log.send()
    q = tmp_path / "uncosigned.bundle"
    q.write_bytes(bundle(log, cosigners=()))
    assert hotline("verify", str(q)).returncode == 5
    r = hotline("verify", "--allow-uncosigned", str(q))
    assert r.returncode == 6 and r.stderr.startswith("warning: ")
    assert hotline("verify", "--cosigning-quorum", "0", str(q)).returncode == 0


def test_garbage_and_truncated_are_told_apart(tmp_path: Path) -> None:
    good = _clean(tmp_path).read_bytes()
    junk = tmp_path / "junk.bundle"
    junk.write_bytes(b"PK\x03\x04 not a bundle at all")
    r = hotline("verify", str(junk))
    assert r.returncode == 5 and "is not an audit bundle (garbage" in r.stderr
    cut = tmp_path / "cut.bundle"
    cut.write_bytes(good[:-30])
    r = hotline("verify", str(cut))
    assert r.returncode == 5 and "is truncated, cut off mid-record" in r.stderr
    assert "(garbage" not in r.stderr
    for cmd in ("replay", "report"):
        r = hotline(cmd, str(cut))
        assert r.returncode == 1 and "is truncated" in r.stderr and "Traceback" not in r.stderr
        r = hotline(cmd, str(junk))
        assert r.returncode == 1 and "(garbage" in r.stderr
