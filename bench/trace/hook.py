"""The trace points live in hotline.runtime.trace (the hub and the client call them)."""

from hotline.runtime.trace import ENV, HOPS, enabled, point

__all__ = ["ENV", "HOPS", "enabled", "point"]
