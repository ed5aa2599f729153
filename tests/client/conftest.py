"""Client tests share one process: every test starts in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotline.client.i18n import use


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    use("en")
    yield
    use("en")
