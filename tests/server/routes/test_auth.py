"""Signed REST requests: no replay, no reuse of the headers with another query."""

from __future__ import annotations

from pathlib import Path

from hotline.server.appkeys import LOG_TREE
from hotline.server.redis_process import RedisProcess
from tests.harness import signed_headers, start_hub
from tests.server.helpers import (
    assert_problem,
    call,
)
from tests.waits import wait_until


async def test_a_signed_request_cannot_be_replayed_nor_its_query_changed(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        await wait_until(lambda: hub.app[LOG_TREE].latest is not None, what="a first checkpoint")
        n = hub.app[LOG_TREE].latest.size  # type: ignore[union-attr]
        path, q = "/v1/log/consistency", f"from={n}&to={n}"
        status, _, _, sent = await call(hub.http, home, "GET", path, query=q, device="AL/officer-1")
        assert status == 200
        status, ctype, body, _ = await call(hub.http, home, "GET", path, query=q, headers=sent)
        assert_problem(status, ctype, body, 409, "replay")
        # the auditor's export headers, reused with another to_ms: the signature fails
        headers = signed_headers(home, "AUDIT/auditor-1", "GET", "/v1/audit/export", "to_ms=1")
        status, ctype, body, _ = await call(
            hub.http, home, "GET", "/v1/audit/export", query="to_ms=2", headers=headers
        )
        assert_problem(status, ctype, body, 401, "auth_failed")
        log = await hub.streams.log.range()
        assert not [e for e in log if e.type == "export"]  # nothing was exported
    finally:
        await hub.stop()
