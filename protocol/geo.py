"""Distances to international boundaries (pure: package data in, kilometres out).

The boundary lines are Natural Earth 1:50m (public domain; see
data/borders-western-balkans.README.md). They are generalised and can sit
kilometres from the true border: good for proximity estimates, not for legal or
operational border decisions.

Distances use a local equirectangular projection centred on the geometry being
measured (x = Δlon·cos φ₀·111.320 km, y = Δlat·110.574 km), which is within about
half a percent of the geodesic distance over the few hundred kilometres that
matter here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from .errors import SchemaError

__all__ = ["BorderDistance", "border_distance", "boundaries"]

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQ = 111.320


@dataclass(frozen=True, slots=True)
class Boundary:
    name: str
    line: LineString
    split_east_of: float | None = None
    east_name: str | None = None

    def name_at(self, lon: float) -> str:
        if self.split_east_of is not None and self.east_name and lon >= self.split_east_of:
            return self.east_name
        return self.name


@dataclass(frozen=True, slots=True)
class BorderDistance:
    """How far a geometry comes to the nearest boundary, and which one."""

    km: float
    boundary: str
    nearest_lon: float
    nearest_lat: float


@lru_cache(maxsize=1)
def boundaries() -> tuple[Boundary, ...]:
    """The shipped boundary lines with their names."""
    base = resources.files(__package__).joinpath("data")
    gj = json.loads(base.joinpath("borders-western-balkans.geojson").read_text("utf-8"))
    names = json.loads(base.joinpath("boundary-names.json").read_text("utf-8"))
    out = []
    for f in gj["features"]:
        nid = str(f["properties"]["NE_ID"])
        n = names.get(nid, f"NE {nid}")
        line = LineString(f["geometry"]["coordinates"])
        if isinstance(n, dict):
            out.append(Boundary(n["name"], line, float(n["split_east_of"]), n["east_name"]))
        else:
            out.append(Boundary(str(n), line))
    return tuple(out)


def _projector(lon0: float, lat0: float) -> Any:
    kx = KM_PER_DEG_LON_EQ * math.cos(math.radians(lat0))

    def fwd(g: BaseGeometry) -> BaseGeometry:
        def f(a: Any) -> Any:
            return np.column_stack(((a[:, 0] - lon0) * kx, (a[:, 1] - lat0) * KM_PER_DEG_LAT))

        return shapely.transform(g, f)

    return fwd


def border_distance(geometry: dict[str, Any]) -> BorderDistance:
    """Distance in km from a GeoJSON geometry to the nearest international boundary.

    Raises:
        SchemaError: not a geometry shapely can read.
    """
    try:
        g: BaseGeometry = shape(
            geometry.get("geometry", geometry) if geometry.get("type") == "Feature" else geometry
        )
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise SchemaError("area: not a readable GeoJSON geometry", field="area") from exc
    c = g.centroid
    proj = _projector(c.x, c.y)
    gp = proj(g)
    best: tuple[float, Boundary, BaseGeometry] | None = None
    for b in boundaries():
        # cheap reject: more than ~3 degrees away cannot be the nearest in this region
        minx, miny, maxx, maxy = b.line.bounds
        if best is not None and (
            c.x < minx - 3 or c.x > maxx + 3 or c.y < miny - 3 or c.y > maxy + 3
        ):
            continue
        bp = proj(b.line)
        d = gp.distance(bp)
        if best is None or d < best[0]:
            best = (d, b, bp)
    if best is None:
        raise SchemaError("no boundary data", field="area")
    d, b, bp = best
    _, on_line = nearest_points(gp, bp)
    kx = KM_PER_DEG_LON_EQ * math.cos(math.radians(c.y))
    lon, lat = on_line.x / kx + c.x, on_line.y / KM_PER_DEG_LAT + c.y
    return BorderDistance(round(d, 2), b.name_at(lon), round(lon, 4), round(lat, 4))
