"""The border distance a verdict quotes, with the geometry loaded only when asked for.

Why a module of its own: ``protocol.geo`` loads numpy and shapely, which the hub
and most clients never need; importing it inside the function keeps
``import hotline.protocol`` light (issue 14).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import SchemaError

__all__ = ["border_of"]


def border_of(body: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """(km, boundary) computed from ``area``; the sender's own figure only without one."""
    area = body.get("area")
    if isinstance(area, dict):
        from .geo import border_distance

        try:
            d = border_distance(area)
            return d.km, d.boundary
        except SchemaError:
            pass
    stated = body.get("border_distance_km")
    return (float(stated), None) if isinstance(stated, int | float) else (None, None)
