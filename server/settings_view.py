"""The few settings the request path reads, as one small immutable object."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Settings

__all__ = ["HubView"]


@dataclass(frozen=True, slots=True)
class HubView:
    device: str
    instance: str
    max_future_skew_ms: int
    max_age_ms: int

    @classmethod
    def of(cls, s: Settings, instance: str) -> HubView:
        return cls(s.device, instance, s.max_future_skew_ms, s.max_age_ms)
