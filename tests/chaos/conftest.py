"""Chaos fixtures: many real clients on one network, and a results file per scenario."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from hotline.client.hub_client import HubClient
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import client

PARTIES = ["AL", "BA", "HR", "ME", "MK", "RS", "XK"]


def devices(n: int) -> list[str]:
    """n officer devices spread over the parties (three consoles per party at most)."""
    return [f"{p}/officer-{k}" for k in (1, 2, 3) for p in PARTIES][:n]


@pytest.fixture
def record() -> Callable[[str, dict[str, Any]], None]:
    out = Path(os.environ.get("HOTLINE_CHAOS_RESULTS", "bench/results"))

    def write(name: str, figures: dict[str, Any]) -> None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"chaos-{name}.json").write_text(json.dumps(figures, indent=1) + "\n")

    return write


class Fleet:
    def __init__(self, home: Path, url: str, names: list[str], **kw: Any) -> None:
        self.clients: list[HubClient] = [client(home, n, url, **kw) for n in names]

    async def __aenter__(self) -> list[HubClient]:
        for c in self.clients:
            await c.start()
        for c in self.clients:
            assert await c.wait_connected(20 * TIMEOUT_FACTOR), c.device.id
        return self.clients

    async def __aexit__(self, *exc: object) -> None:
        for c in self.clients:
            await c.close()


@pytest.fixture
async def fleet_factory() -> AsyncIterator[type[Fleet]]:
    yield Fleet
