"""Hub settings: every configuration error names its fix; environment overrides apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from hotline.server.config import ConfigError, Settings


def test_config_errors_name_the_fix(home: Path) -> None:
    with pytest.raises(ConfigError, match=r"plain ws on 0\.0\.0\.0 is not allowed"):
        Settings.load(home, {"host": "0.0.0.0", "tls_cert": "", "tls_key": ""}, env={})
    with pytest.raises(ConfigError, match="unknown hub setting"):
        Settings.load(home, {"colour": "red"}, env={})
    with pytest.raises(ConfigError, match="tls_cert and tls_key go together"):
        Settings.load(home, {"tls_key": ""}, env={})
    with pytest.raises(ConfigError, match="is not a valid int"):
        Settings.load(home, env={"HOTLINE_HUB_PORT": "eighty"})
    s = Settings.load(home, env={"HOTLINE_HUB_PORT": "9999", "HOTLINE_HUB_ALLOW_PLAIN": "yes"})
    assert s.port == 9999 and s.allow_plain
    (home / "hotline.toml").write_text("[hub\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        Settings.load(home, env={})
