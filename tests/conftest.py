"""Shared fixtures: a real redis-server per test (random port, temp dir, AOF on)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from hotline.client.init import init_network
from hotline.server.redis_process import RedisProcess

# One factor scales every timeout in the suite (slow CI machines set it higher).
TIMEOUT_FACTOR = float(os.environ.get("HOTLINE_TEST_TIMEOUT_FACTOR", "1"))

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_TEMPLATES: dict[tuple[str, str], Path] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long",
        action="store_true",
        help="long chaos, soak and fuzz runs (default: the short CI runs)",
    )


@pytest.fixture
def long_run(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--long")) or os.environ.get("HOTLINE_LONG") == "1"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    proc = RedisProcess(tmp_path / "redis").start()
    try:
        yield proc
    finally:
        proc.stop()


def _network(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    suite: str,
    parties: str,
    officers: int = 1,
) -> Path:
    # Key generation is cheap but not free: copy a per-session template.
    key = (suite, f"{parties}x{officers}")
    if key not in _TEMPLATES:
        tpl = tmp_path_factory.mktemp(f"net-{suite}")
        init_network(  # type: ignore[arg-type]
            tpl / "home", parties.split(","), suite=suite, officers=officers
        )
        _TEMPLATES[key] = tpl / "home"
    dest = tmp_path / "home"
    shutil.copytree(_TEMPLATES[key], dest)
    return dest


@pytest.fixture
def home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seven-party network with the default post-quantum suite."""
    return _network(tmp_path, tmp_path_factory, "pq", "AL,BA,HR,ME,MK,RS,XK")


@pytest.fixture
def classic_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _network(tmp_path, tmp_path_factory, "classic", "AL,BA,HR,ME,MK,RS,XK")


@pytest.fixture
def chaos_home(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seven parties with three consoles each (21 officer devices), classic suite for speed."""
    return _network(tmp_path, tmp_path_factory, "classic", "AL,BA,HR,ME,MK,RS,XK", officers=3)
