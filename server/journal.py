"""A local record of what this hub answered "accepted", for reconciliation at start.

Redis with AOF always does not lose an acknowledged write to a crash, but a disk
fault or an operator can still cut the AOF tail (Redis then loads what is left:
``aof-load-truncated``). The hub cannot ask Redis what Redis forgot, so each hub
also appends ``message-id position`` to a journal in its home after every accept;
at start it checks the recent entries against Redis and reports, loudly and
exactly, which accepted ids are missing, instead of running on silently.
"""

from __future__ import annotations

import os
from collections import deque
from pathlib import Path

__all__ = ["AcceptJournal", "read_journals"]

MAX_FILE = 16 * 1024 * 1024


class AcceptJournal:
    def __init__(self, directory: Path, instance: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in instance)
        self.path = directory / f"{safe}.log"
        self._f = open(self.path, "ab", buffering=0)  # noqa: SIM115 - lives with the hub

    def record(self, mid_hex: str, position: str) -> None:
        self._f.write(f"{mid_hex} {position}\n".encode())
        if self._f.tell() > MAX_FILE:
            self._rotate()

    def _rotate(self) -> None:
        self._f.close()
        os.replace(self.path, self.path.with_suffix(".old"))
        self._f = open(self.path, "ab", buffering=0)  # noqa: SIM115

    def close(self) -> None:
        self._f.close()


def read_journals(directory: Path, limit: int = 200_000) -> list[tuple[str, str]]:
    """The most recent (message id, position) pairs from every hub's journal."""
    if not directory.exists():
        return []
    out: deque[tuple[str, str]] = deque(maxlen=limit)
    for f in sorted(directory.glob("*.old")) + sorted(directory.glob("*.log")):
        for line in f.read_bytes().splitlines():
            parts = line.decode(errors="replace").split()
            if len(parts) == 2 and len(parts[0]) == 32:
                out.append((parts[0], parts[1]))
    return list(out)
