"""Every REST error is an RFC 9457 problem with the project's code, aiohttp's own included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import start_hub
from tests.server.helpers import (
    assert_problem,
    call,
    closed_within,
    raw,
)


async def test_every_error_is_a_problem_document(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    b = hub.http
    try:
        cases: list[tuple[str, str, str, dict[str, Any], int, str]] = [
            ("no route", "GET", "/nope", {}, 404, "not_found"),
            ("wrong method", "PUT", "/v1/roster", {}, 405, "method_not_allowed"),
            ("superscript digit", "GET", "/v1/roster", {"query": "version=%C2%B2"}, 422,
             "schema_error"),
            ("5000 digits", "GET", "/v1/roster", {"query": "version=" + "9" * 5000}, 422,
             "schema_error"),
            ("negative version", "GET", "/v1/roster", {"query": "version=-1"}, 422,
             "schema_error"),
            ("no such version", "GET", "/v1/roster", {"query": "version=99"}, 404, "not_found"),
            ("to_ms=abc as the auditor", "GET", "/v1/audit/export",
             {"query": "to_ms=abc", "device": "AUDIT/auditor-1"}, 422, "schema_error"),
            ("an officer's export", "GET", "/v1/audit/export", {"device": "RS/officer-1"}, 403,
             "wrong_role"),
            ("unsigned proof", "GET", "/v1/log/consistency", {"query": "from=1&to=1"}, 401,
             "auth_failed"),
            ("bad id", "GET", "/v1/log/proof/" + "x" * 3000, {"device": "RS/officer-1"}, 422,
             "schema_error"),
            ("garbage envelope", "POST", "/v1/messages", {"body": b"\xc1" * 10}, 400,
             "decode_error"),
            ("body before the signature", "POST", "/v1/log/checkpoint",
             {"body": b"\x00" * 5000, "device": "RS/officer-1"}, 413, "limit_exceeded"),
            ("roster too large", "POST", "/v1/roster", {"body": b"\x00" * (2 * 1024 * 1024 + 1)},
             413, "limit_exceeded"),
        ]  # fmt: skip
        for name, method, path, kw, want, code in cases:
            status, ctype, body, _ = await call(b, home, method, path, **kw)
            try:
                assert_problem(status, ctype, body, want, code)
            except AssertionError as exc:
                raise AssertionError(f"{name}: {exc}") from exc
            assert "x" * 100 not in json.dumps(body), name  # no echo beyond a short excerpt
        # and what the HTTP parser itself refuses: a header line longer than it takes
        reader, writer = await raw(hub, home)
        writer.write(b"GET /readyz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        _, data = await closed_within(reader, 10 * TIMEOUT_FACTOR)
        head, _, payload = data.partition(b"\r\n\r\n")
        assert head.startswith((b"HTTP/1.1 4", b"HTTP/1.0 4")), head
        assert b"application/problem+json" in head, head
        assert json.loads(payload)["code"] in ("protocol_error", "limit_exceeded")
        writer.close()
        assert hub.metrics.get("hotline_internal_errors_total") == 0
    finally:
        await hub.stop()
