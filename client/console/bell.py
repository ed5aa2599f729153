"""The bell that repeats while a FLASH is unacknowledged, and the desktop notification."""

from __future__ import annotations

import shutil
import subprocess

from .errors import log

__all__ = ["Bell", "desktop_notify"]

_children: list[subprocess.Popen[bytes]] = []  # reaped on the next call: no zombies


class Bell:
    """Decides when to ring: at once for a new FLASH, then every ``every_s`` seconds while
    any FLASH is unacknowledged; silent (and reset) once none is."""

    def __init__(self, every_s: float) -> None:
        self.every_ms = int(every_s * 1000)
        self.last_ms: int | None = None

    def rang(self, now_ms: int) -> None:
        self.last_ms = now_ms

    def due(self, now_ms: int, unacked_flash: int) -> bool:
        if not unacked_flash or self.every_ms <= 0:
            self.last_ms = None
            return False
        if self.last_ms is None or now_ms - self.last_ms >= self.every_ms:
            self.last_ms = now_ms
            return True
        return False


def desktop_notify(title: str, body: str) -> bool:
    """A desktop notification where the platform has ``notify-send``; never blocks.

    Only the precedence, family and sender are shown: a notification can appear on a
    locked screen, so the message's content stays in the console.
    """
    exe = shutil.which("notify-send")
    if exe is None:
        return False
    _children[:] = [c for c in _children if c.poll() is None]
    try:
        child = subprocess.Popen(
            [exe, "--urgency=critical", "--app-name=CBM Hotline", title, body],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        log.info("notify-send failed: %s", exc)
        return False
    _children.append(child)
    return True
