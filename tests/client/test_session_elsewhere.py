"""A console whose device opened another session is told so in the officer's language.

Why: the hub sends the device's new messages to its newest session only (one reader
per device); the older console must not go quiet without a word, and the word must not
be an English "alarm" when the usual cause is the officer's own command-line run.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from hotline.client.cli_common import EXIT
from hotline.client.cli_messages import Connected
from hotline.client.events import SecurityAlert
from hotline.client.i18n.core import use
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import RawDevice, client, start_hub

T = 15 * TIMEOUT_FACTOR


async def test_the_older_console_hears_of_the_newer_session_in_its_language(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        async with client(home, "HR", hub.url) as console:
            q = console.subscribe()
            assert await console.wait_connected(T)
            async with RawDevice(hub.url, home, "HR/officer-1"):  # a command-line run
                ev = await asyncio.wait_for(q.get(), T)
                while not isinstance(ev, SecurityAlert):
                    ev = await asyncio.wait_for(q.get(), T)
            assert ev.code == "session_elsewhere", ev
            assert "another session" in ev.detail  # the English text for logs and the store
            try:
                use("hr")
                assert ev.text().startswith("ovaj je uređaj otvorio drugu sesiju")
            finally:
                use("en")
    finally:
        await hub.stop()


def test_a_command_told_of_another_session_does_not_fail_for_it() -> None:
    """Two runs of one feed device at once: the older hears of the newer; its send
    succeeded, so it exits 0 — while any other security alert still makes it exit 5."""
    conn = Connected(client=None, ok=True, events=asyncio.Queue())  # type: ignore[arg-type]
    conn.alerts.append(SecurityAlert.of("session_superseded", "session_elsewhere"))
    assert conn.exit_code(EXIT["ok"]) == EXIT["ok"]
    conn.alerts.append(SecurityAlert.of("x", "bad_checkpoint", reason="forged"))
    assert conn.exit_code(EXIT["ok"]) == EXIT["unverified"]
