"""``hotline feed``: its help documents the JSON lines; 1000 lines, three bad, refused by line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hotline.client.cli import main
from hotline.server.redis_process import RedisProcess, free_port
from tests.client.helpers import hotline, lines
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import HubProcess


@pytest.mark.slow
def test_feed_of_1000_lines_with_3_bad(tmp_path: Path, redis_server: RedisProcess) -> None:
    port = free_port()
    home = tmp_path / "net"
    assert hotline("init", str(home), "--port", str(port)).returncode == 0
    good = {
        "to": "all",
        "type": "drone_flight",
        "body": {
            "start": "2026-11-22T08:00:00Z",
            "end": "2026-11-22T09:00:00Z",
            "armed": False,
            "uav_type": "Orbiter 3",
            "area": {"type": "Point", "coordinates": [20.7, 43.1]},
        },
    }
    feed = [json.dumps(good | {"body": good["body"] | {"flight_id": f"f{i}"}}) for i in range(1000)]
    feed[10] = "{broken"
    feed[500] = json.dumps({"to": "all", "type": "drone_flight", "body": {"armed": "maybe"}})
    feed[990] = json.dumps(good | {"type": "hotline_message"})  # not allowed for a feed
    hub = HubProcess(home, redis_server.url, port=port).start()
    try:
        r = hotline(
            "feed",
            "--home",
            str(home),
            "--as",
            "RS/feed-1",
            stdin="\n".join(feed),
            timeout=300 * TIMEOUT_FACTOR,
        )
        out = lines(r.stdout)
        assert r.returncode == 4  # some lines refused
        assert len(out) == 1000
        bad = [o for o in out if o["status"] not in ("accepted", "duplicate")]
        assert [o["line"] for o in bad] == [11, 501, 991]
        assert sum(o["status"] == "accepted" for o in out) == 997
        assert "line 11:" in r.stderr and "Traceback" not in r.stderr
    finally:
        hub.stop()


def test_feed_help_documents_the_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["feed", "--help"])
    out = capsys.readouterr().out
    assert '"type": "drone_flight"' in out and '"line": 1' in out and "exit: 0" in out
