"""The streams package (server/streams/__init__.py): what callers import from it."""

from __future__ import annotations

from hotline.server import streams as streams_pkg


def test_the_package_exports_what_callers_use() -> None:
    for name in ("Streams", "InboxEntry", "LogEntry", "inbox_key", "LANES", "LOG", "connect"):
        assert name in streams_pkg.__all__
