"""``hotline send``: its verdicts judged with what the device holds, like check and compose."""

from __future__ import annotations

from pathlib import Path

from tests.client.verification_seed import (
    NOW,
    POLICIES,
    seeded_client,
)
from tests.treaty_cases import inspection_request


def test_send_states_the_quota_from_the_devices_history(classic_home: Path) -> None:
    """`hotline send` judges with what the device holds, like `check` and compose."""
    import argparse

    from hotline.client.cli_messages import _verdicts

    hr = seeded_client(classic_home, "HR")
    body = inspection_request("2027-06-10", "HR", team=[{"name": "A", "party": "HR"}])
    a = argparse.Namespace(to="all", family="inspection_request", reply_to=None, supersedes=None)
    texts = [v.summary() for v in _verdicts(hr, a, body, POLICIES, NOW)]
    assert any("quota from HR exhausted: RS may decline" in t for t in texts), texts
    hr.store.close()
