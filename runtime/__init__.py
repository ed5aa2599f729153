"""Shared asyncio helpers for the hub and the clients (design D9).

``clock.now_ms`` is the one wall clock in milliseconds, ``backoff.Backoff`` the one
jittered exponential backoff, ``supervise.Supervisor`` runs named background tasks and
never lets one die silently. Dependency direction: ``client → runtime → protocol ←
server`` and ``server → runtime``; nothing here imports the hub or the client.
"""

from __future__ import annotations

from .backoff import Backoff, jittered
from .clock import now_ms
from .supervise import Supervised, Supervisor, TaskState

__all__ = ["Backoff", "Supervised", "Supervisor", "TaskState", "jittered", "now_ms"]
