"""A terminal map: the route or area against the nearest international boundary."""

from __future__ import annotations

from typing import Any

from shapely.geometry import box, shape

from hotline.protocol import ProtocolError
from hotline.protocol.geo import border_distance, boundaries

__all__ = ["route_map"]


def route_map(area: dict[str, Any], width: int = 60, height: int = 14) -> list[str]:
    """Lines of text: boundaries as '·', the route as '*' (S start, E end), B the nearest
    boundary point; then a legend with the distance and which boundary."""
    try:
        g = shape(area)
        near = border_distance(area)
    except (ProtocolError, ValueError, TypeError, AttributeError):
        return ["(no map: the area is not a readable geometry)"]
    minx, miny, maxx, maxy = g.bounds
    minx, maxx = min(minx, near.nearest_lon), max(maxx, near.nearest_lon)
    miny, maxy = min(miny, near.nearest_lat), max(maxy, near.nearest_lat)
    span = max(maxx - minx, maxy - miny, 0.1)
    pad = span * 0.25
    minx, maxx, miny, maxy = minx - pad, maxx + pad, miny - pad, maxy + pad
    grid = [[" "] * width for _ in range(height)]

    def put(lon: float, lat: float, ch: str) -> None:
        c = int((lon - minx) / (maxx - minx) * (width - 1))
        r = int((maxy - lat) / (maxy - miny) * (height - 1))
        if 0 <= r < height and 0 <= c < width:
            grid[r][c] = ch

    frame = box(minx, miny, maxx, maxy)
    step = (maxx - minx) / (width * 2)
    for b in boundaries():
        part = b.line.intersection(frame)
        if part.is_empty:
            continue
        for line in getattr(part, "geoms", [part]):
            if line.length == 0:
                continue
            n = max(2, int(line.length / step))
            for i in range(n + 1):
                p = line.interpolate(i / n, normalized=True)
                put(p.x, p.y, "·")
    outline = g.exterior if g.geom_type == "Polygon" else g
    if outline.length > 0:
        n = max(2, int(outline.length / step))
        for i in range(n + 1):
            p = outline.interpolate(i / n, normalized=True)
            put(p.x, p.y, "*")
    coords = list(outline.coords) if hasattr(outline, "coords") else []
    if coords:
        put(coords[0][0], coords[0][1], "S")
        put(coords[-1][0], coords[-1][1], "E" if len(coords) > 1 else "x")
    put(near.nearest_lon, near.nearest_lat, "B")
    border = "┌" + "─" * width + "┐"
    lines = [border] + ["│" + "".join(r) + "│" for r in grid] + ["└" + "─" * width + "┘"]
    lines.append(
        f"· boundary  * route/area  S start  E end  B nearest point: "
        f"{near.km:g} km from the {near.boundary} boundary (computed)"
    )
    return lines
