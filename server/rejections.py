"""Audit of refusals: what an authenticated device was refused goes into the log, bounded.

Why bounded: every refusal used to append a log entry, so a looping client grew the
permanent log (and every auditor's export) without limit. An authenticated device gets
``PER_MINUTE`` rejection entries a minute; the rest are counted and the count rides on
its next entry (``suppressed``). Strangers — bytes whose signature never verified — are
never written to the log at all, only counted in metrics.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from hotline.protocol import ProtocolError

from .event_log import HubSigner
from .metrics import Metrics
from .streams import Streams

__all__ = ["PER_MINUTE", "RejectionAudit"]

log = logging.getLogger("hotline.hub.rejections")
PER_MINUTE: Final = 10


@dataclass
class _Window:
    minute: int
    logged: int = 0
    suppressed: int = 0


class RejectionAudit:
    def __init__(self, streams: Streams, signer: HubSigner, metrics: Metrics) -> None:
        self.streams = streams
        self.signer = signer
        self.metrics = metrics
        self._windows: dict[str, _Window] = {}

    async def record(self, err: ProtocolError, device: str, now_ms: int, ref: bytes | None) -> None:
        """Log a refusal of ``device`` (within its budget); the refusal stands regardless."""
        self.metrics.inc("hotline_rejections_total", code=err.code)
        minute = now_ms // 60_000
        w = self._windows.get(device)
        if w is None or w.minute != minute:
            w = self._windows[device] = _Window(minute, suppressed=w.suppressed if w else 0)
            if len(self._windows) > 10_000:  # forget quiet devices, keep memory bounded
                self._windows = {d: v for d, v in self._windows.items() if v.minute == minute}
        if w.logged >= PER_MINUTE:
            w.suppressed += 1
            self.metrics.inc("hotline_rejections_unlogged_total")
            return
        w.logged += 1
        extra = {"code": err.code, "device": device, "ref": ref.hex() if ref else ""}
        if w.suppressed:
            extra["suppressed"] = str(w.suppressed)
        event = self.signer.event("rejected", now_ms, b"", **extra)
        try:
            await self.streams.log.append_event("rejected", event)
            w.suppressed = 0
        except ProtocolError as exc:  # the log is away: counted, not lost silently
            log.warning("rejection of %s not logged: %s", device, exc.message)
