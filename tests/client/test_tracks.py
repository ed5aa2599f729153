"""A burst of track points becomes a handful of notifications."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hotline.client.tracks import TrackFeed, TrackPoint
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import HubProcess

T0 = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.UTC)


def flights(n_points: int = 5000, n_flights: int = 20) -> list[dict[str, object]]:
    """Half the flights approach the Serbia–Kosovo line near Jarinje and turn back;
    half circle well inside Serbia, near Belgrade. Points interleave as a radar would."""
    per = n_points // n_flights
    pts = []
    for f in range(n_flights):
        near = f % 2 == 0
        for k in range(per):
            frac = k / (per - 1)
            if near:  # 29 km out, to about 4 km from the RS–XK line, and back again
                lon = 20.25 + 0.31 * (1 - abs(2 * frac - 1)) + 0.001 * f
                lat = 43.17
            else:
                lon, lat = 20.46 + 0.05 * frac, 44.81 + 0.01 * (f % 3)
            t = T0 + dt.timedelta(seconds=2 * k + f)
            pts.append(
                {
                    "flight_id": f"F{f:02d}",
                    "time": t.isoformat().replace("+00:00", "Z"),
                    "lon": lon,
                    "lat": lat,
                    "alt_m": 1200,
                    "uav_type": "Orbiter 3",
                    "armed": False,
                }
            )
    pts.sort(key=lambda p: str(p["time"]))
    return pts


def test_track_feed_turns_5000_points_into_a_handful() -> None:
    feed = TrackFeed(zone_km=15)
    actions = [a for p in flights() for a in feed.push(TrackPoint.parse(p))]
    by_flight: dict[str, list[str]] = {}
    for a in actions:
        by_flight.setdefault(a.flight_id, []).append(a.kind)
    assert set(by_flight) == {f"F{f:02d}" for f in range(0, 20, 2)}  # far flights: silence
    for fid, kinds in by_flight.items():
        assert kinds[0] == "notify" and kinds[-1] == "close"
        assert kinds.count("notify") == 1 and kinds.count("close") == 1
        close = next(a for a in actions if a.flight_id == fid and a.kind == "close")
        start = dt.datetime.fromisoformat(close.body["start"].replace("Z", "+00:00"))
        end = dt.datetime.fromisoformat(close.body["end"].replace("Z", "+00:00"))
        minutes = (end - start).total_seconds() / 60
        assert minutes > 2  # the flight really spent minutes in the zone
        assert int(minutes) - 1 <= kinds.count("amend") <= int(minutes)  # one a minute
    assert len(actions) < 150  # 5,000 points → about a hundred messages at most
    # amendments are at least a minute apart in track time
    times: dict[str, list[int]] = {}
    for a in actions:
        if a.kind != "close":
            times.setdefault(a.flight_id, []).append(
                int(dt.datetime.fromisoformat(a.body["end"].replace("Z", "+00:00")).timestamp())
            )
    for ts in times.values():
        assert all(b - a >= 60 for a, b in itertools.pairwise(ts))


@pytest.mark.slow
def test_cli_track_feed_against_a_hub(home: Path, redis_server: RedisProcess) -> None:
    hub = HubProcess(home, redis_server.url).start()
    try:
        lines = [json.dumps(p) for p in flights(1000, 4)]
        lines.insert(10, "{not json")
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "hotline.client",
                "feed",
                "--home",
                str(home),
                "--as",
                "RS/feed-1",
                "--tracks",
                "--hub",
                hub.url,
            ],
            input="\n".join(lines),
            capture_output=True,
            text=True,
            timeout=120 * TIMEOUT_FACTOR,
        )
        out = [json.loads(x) for x in r.stdout.splitlines()]
        sent = [o for o in out if o.get("action")]
        assert sent and all(o["status"] == "accepted" for o in sent)
        assert {o["action"] for o in sent} == {"notify", "amend", "close"}
        assert "line 11:" in r.stderr and r.returncode == 4
    finally:
        hub.stop()
