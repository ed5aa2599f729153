"""Redis keys and lanes: which precedences take the urgent lane."""

from __future__ import annotations

from hotline.server.streams import lane_for


def test_lane_for_precedence() -> None:
    assert [lane_for(p) for p in ("ROUTINE", "PRIORITY", "IMMEDIATE", "FLASH")] == [
        "routine",
        "routine",
        "urgent",
        "urgent",
    ]
