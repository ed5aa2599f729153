"""What every command shares: ``--as`` a party picks the device of the role the command needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.client.home import Home


def test_as_a_party_picks_the_device_of_the_role_the_command_needs(home: Path) -> None:
    from hotline.client.cli_common import CliError, resolve_as

    h = Home(home)
    assert resolve_as(h, "AUDIT", ("officer", "feed", "auditor")) == "AUDIT/auditor-1"
    assert resolve_as(h, "RS", ("feed", "officer")) == "RS/feed-1"
    assert resolve_as(h, "rs", ("officer", "feed")) == "RS/officer-1"
    with pytest.raises(CliError, match="no officer device"):
        resolve_as(h, "AUDIT", ("officer",))
    assert h.device("AUDIT").id == "AUDIT/auditor-1"  # audit/register commands too
