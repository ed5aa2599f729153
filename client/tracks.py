"""Turn a national air-surveillance track feed into a handful of drone notifications.

Per flight: the first point inside the border zone sends a ``drone_flight``
notification; while the flight stays inside, an amendment (superseding the first)
at most once a minute of *track* time; when it leaves, a closing amendment. A
burst of thousands of points becomes a few messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hotline.protocol import SchemaError
from hotline.protocol.geo import border_distance

__all__ = ["Action", "TrackFeed", "TrackPoint"]

MAX_ROUTE = 200


@dataclass(frozen=True, slots=True)
class TrackPoint:
    flight_id: str
    time_ms: int
    lon: float
    lat: float
    alt_m: float
    uav_type: str
    armed: bool

    @classmethod
    def parse(cls, d: Any) -> TrackPoint:
        try:
            t = dt.datetime.fromisoformat(str(d["time"]).replace("Z", "+00:00"))
            if t.tzinfo is None:
                raise ValueError("time needs a zone")
            lon, lat = float(d["lon"]), float(d["lat"])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError("lon/lat out of range")
            return cls(
                str(d["flight_id"]),
                int(t.timestamp() * 1000),
                lon,
                lat,
                float(d.get("alt_m", 0)),
                str(d.get("uav_type", "unknown UAV")),
                bool(d.get("armed", False)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise SchemaError(f"track point: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Action:
    kind: str  # notify | amend | close
    flight_id: str
    body: dict[str, Any]


@dataclass
class _Flight:
    inside: bool = False
    first_ms: int = 0
    last_sent_ms: int = 0
    route: list[list[float]] = field(default_factory=list)
    last: TrackPoint | None = None


def _iso(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).isoformat().replace("+00:00", "Z")


class TrackFeed:
    def __init__(self, zone_km: float, every_ms: int = 60_000) -> None:
        self.zone_km = zone_km
        self.every_ms = every_ms
        self.flights: dict[str, _Flight] = {}

    def _body(self, f: _Flight, p: TrackPoint, action: str, end_ms: int) -> dict[str, Any]:
        route = f.route[-MAX_ROUTE:]
        area: dict[str, Any] = (
            {"type": "Point", "coordinates": route[0]}
            if len(route) == 1
            else {"type": "LineString", "coordinates": route}
        )
        body = {
            "start": _iso(f.first_ms),
            "end": _iso(end_ms),
            "area": area,
            "armed": p.armed,
            "uav_type": p.uav_type,
            "flight_id": p.flight_id,
            "action": action,
        }
        if action == "amend" and not f.inside:
            body["purpose"] = "left the border zone"
        return body

    def push(self, p: TrackPoint) -> list[Action]:
        f = self.flights.setdefault(p.flight_id, _Flight())
        inside = (
            border_distance({"type": "Point", "coordinates": [p.lon, p.lat]}).km <= self.zone_km
        )
        out: list[Action] = []
        if inside:
            f.route.append([round(p.lon, 5), round(p.lat, 5)])
            if not f.inside:
                f.inside, f.first_ms, f.last_sent_ms = True, p.time_ms, p.time_ms
                out.append(Action("notify", p.flight_id, self._body(f, p, "notify", p.time_ms)))
            elif p.time_ms - f.last_sent_ms >= self.every_ms:
                f.last_sent_ms = p.time_ms
                out.append(Action("amend", p.flight_id, self._body(f, p, "amend", p.time_ms)))
        elif f.inside:
            f.inside = False
            out.append(Action("close", p.flight_id, self._body(f, p, "amend", p.time_ms)))
            f.route = []
        f.last = p
        return out
