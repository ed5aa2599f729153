"""The hub's event loop and Redis reply parser: what is installed, unless told otherwise."""

from __future__ import annotations

import asyncio
import importlib.util

import pytest

from hotline.runtime import loop
from hotline.server.streams import client as redis_client

HAVE_UVLOOP = importlib.util.find_spec("uvloop") is not None


async def _loop_type() -> str:
    return type(asyncio.get_running_loop()).__module__.split(".")[0]


def test_asyncio_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(loop.ENV, raising=False)
    assert loop.loop_name() == "asyncio"
    assert loop.run(_loop_type()) == "asyncio"


@pytest.mark.skipif(not HAVE_UVLOOP, reason="uvloop is not installed (the fast extra)")
def test_uvloop_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(loop.ENV, "uvloop")
    assert loop.loop_name() == "uvloop"
    assert loop.run(_loop_type()) == "uvloop"


def test_python_parser_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(redis_client.PARSER_ENV, "python")
    assert redis_client.parser_name() == "python"
    r = redis_client.connect("redis://127.0.0.1:1")
    parser = r.connection_pool.connection_kwargs.get("parser_class")
    if redis_client.HIREDIS_AVAILABLE:  # told apart from the default (hiredis) reader
        assert parser is not None and "Hiredis" not in parser.__name__
    monkeypatch.delenv(redis_client.PARSER_ENV)
    assert redis_client.parser_name() == ("hiredis" if redis_client.HIREDIS_AVAILABLE else "python")
