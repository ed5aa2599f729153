"""End-to-end fixtures: a four-party network (quorum 3), classic suite for speed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hotline.client.i18n import use
from tests.conftest import _network

from .scene import PARTIES


@pytest.fixture
def net(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BA, HR, ME, RS: an officer and a feed each, an auditor, the hub's keys."""
    return _network(tmp_path, tmp_path_factory, "classic", PARTIES)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    use("en")  # the CLI's rows and alerts are compared in English
    yield
    use("en")
