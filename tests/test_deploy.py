"""Deploy files stay true: every setting in the env example, safe Redis persistence."""

from __future__ import annotations

from pathlib import Path

from hotline.server.env_example import render

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


def test_env_example_lists_every_setting() -> None:
    assert (DEPLOY / "hotline.env.example").read_text() == render(), (
        "regenerate: python -m hotline.server.env_example > deploy/hotline.env.example"
    )


def test_redis_config_is_durable() -> None:
    conf = (DEPLOY / "redis.conf").read_text()
    assert "appendonly yes" in conf and "appendfsync always" in conf


def test_dockerfile_is_not_root() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert "USER hotline" in text and "HEALTHCHECK" in text
