from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from hotline.client.console.app import HotlineApp
from hotline.client.console.geomap import route_map
from hotline.client.home import Home
from hotline.client.hub_client import HubClient

ROUTE = {"type": "LineString", "coordinates": [[20.50, 43.17], [20.58, 43.17]]}


def test_route_map_draws_route_border_and_distance() -> None:
    lines = route_map(ROUTE, 50, 10)
    body = "\n".join(lines[1:-2])
    assert "·" in body and "*" in body and "S" in body and "B" in body
    assert "from the RS–XK boundary (computed)" in lines[-1]
    assert all(len(x) == 52 for x in lines[:-1])
    assert route_map({"type": "Point", "coordinates": "bad"})[0].startswith("(no map")


async def test_message_view_shows_distance_boundary_and_map(classic_home: Path) -> None:
    hr = HubClient(Home(classic_home), "HR")
    hr.store.store_incoming(
        {
            "id": "0190c1a4-0000-7000-8000-0000000000d1",
            "sender": "RS",
            "device": "RS/feed-1",
            "family": "drone_flight",
            "precedence": "IMMEDIATE",
            "exercise": False,
            "created_ms": 1_790_000_000_000,
            "received_ms": 1_790_000_000_500,
            "body": {
                "start": "2026-09-21T08:00:00Z",
                "end": "2026-09-21T09:00:00Z",
                "area": ROUTE,
                "armed": False,
                "uav_type": "Orbiter 3",
                "action": "notify",
            },
            "recipients": ["HR"],
            "verified": True,
            "seq": 1,
        },
        b"",
    )
    app = HotlineApp(hr, ["regional-2026"], clock=lambda: 1_790_000_000_000, live=False)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        text = str(app.screen.query_one("#msg", Static).render())
        assert "notifiable under regional-2026 (Art. 6: within" in text  # every reason cites
        assert "km of the RS–XK boundary" in text
        assert "B nearest point" in text and "│" in text
    hr.store.close()
