"""The one wall clock."""

from __future__ import annotations

import time

from hotline.runtime.clock import now_ms


def test_now_ms_is_integer_milliseconds_of_the_wall_clock() -> None:
    before = time.time_ns() // 1_000_000
    t = now_ms()
    after = time.time_ns() // 1_000_000
    assert type(t) is int and before <= t <= after
