"""Helpers shared by the client's test modules: the command line run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from hotline.client.store import Composed
from tests.conftest import TIMEOUT_FACTOR


def hotline(
    *args: str, stdin: str | None = None, timeout: float = 60 * TIMEOUT_FACTOR
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hotline.client", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def built(seq: int) -> Composed:
    sent = {
        "family": "link_test",
        "recipients": ["HR"],
        "precedence": "ROUTINE",
        "exercise": False,
        "body": {},
    }
    return Composed(f"id-{seq}", b"envelope-%d" % seq, 1000 + seq, sent, b"")
