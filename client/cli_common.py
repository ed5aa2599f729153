"""What every CLI module shares: exit codes, the expected-error type, output helpers."""

from __future__ import annotations

import asyncio
import json
from typing import Any

__all__ = ["EXIT", "CliError", "emit", "run_async"]

#: exit codes: distinct so scripts can tell "queued for later" from "refused"
EXIT = {"ok": 0, "error": 1, "usage": 2, "queued": 3, "rejected": 4, "unverified": 5}


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT["error"]) -> None:
        super().__init__(message)
        self.code = code


def emit(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False), flush=True)


def run_async(coro: Any) -> int:
    try:
        return int(asyncio.run(coro))
    except KeyboardInterrupt:
        return 130
