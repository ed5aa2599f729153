"""The hub's REST surface under hostile input (issue 16), on real sockets.

Every 4xx/5xx is an RFC 9457 problem with the project's code, aiohttp's own included;
slow headers and trickled bodies are closed at their deadlines; an aborted body is not a
500; unauthenticated websockets are capped per address; REST proofs share the device's
budget; a signed request cannot be replayed nor its headers reused with another query.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from pathlib import Path
from typing import Any

import aiohttp

from hotline.server.admission import ConnectionGate
from hotline.server.appkeys import LOG_TREE
from hotline.server.limits import PROOF_BUDGET
from hotline.server.metrics import Metrics
from hotline.server.redis_process import RedisProcess
from tests.conftest import TIMEOUT_FACTOR
from tests.harness import RawDevice, raw_frame, signed_headers, start_hub
from tests.waits import wait_until

PROBLEM_FIELDS = {"type", "title", "status", "detail", "code"}


def _ctx(home: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(home / "hub" / "tls.crt"))


async def _call(
    base: str,
    home: Path,
    method: str,
    path: str,
    *,
    query: str = "",
    device: str | None = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, str, Any, dict[str, str]]:
    """(status, content type, parsed JSON body or the text, the headers sent)."""
    sent = dict(headers or {})
    if device:
        sent.update(signed_headers(home, device, method, path, query, body or b""))
    url = base + path + (f"?{query}" if query else "")
    async with (
        aiohttp.ClientSession() as s,
        s.request(
            method, aiohttp.client.URL(url, encoded=True), data=body, headers=sent, ssl=_ctx(home)
        ) as r,
    ):
        raw = await r.read()
        try:
            parsed: Any = json.loads(raw)
        except ValueError:
            parsed = raw
        return r.status, r.content_type, parsed, sent


def assert_problem(status: int, ctype: str, body: Any, want_status: int, want_code: str) -> None:
    assert status == want_status, (status, body)
    assert ctype == "application/problem+json", (ctype, body)
    assert set(body) >= PROBLEM_FIELDS, body
    assert body["status"] == want_status and body["code"] == want_code, body
    assert body["type"].endswith("/" + want_code)
    assert len(body["detail"]) <= 200 and body["detail"].isascii(), body
    for internal in ("Error(", "Exception", "Traceback", "ValueError", "KeyError"):
        assert internal not in json.dumps(body), body


#: the slow attacker's pace between two bytes: the attack itself, not a synchronisation
#: (the assertions wait on the connection being closed)
DRIP_S = 0.2


async def _raw(hub: Any, home: Path) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", hub.port, ssl=_ctx(home))


async def _closed_within(reader: asyncio.StreamReader, limit: float) -> tuple[float, bytes]:
    """Seconds until the hub closed the connection, and what it sent before."""
    t0 = time.monotonic()
    data = b""
    async with asyncio.timeout(limit):
        while chunk := await reader.read(65536):
            data += chunk
    return time.monotonic() - t0, data


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
            status, ctype, body, _ = await _call(b, home, method, path, **kw)
            try:
                assert_problem(status, ctype, body, want, code)
            except AssertionError as exc:
                raise AssertionError(f"{name}: {exc}") from exc
            assert "x" * 100 not in json.dumps(body), name  # no echo beyond a short excerpt
        # and what the HTTP parser itself refuses: a header line longer than it takes
        reader, writer = await _raw(hub, home)
        writer.write(b"GET /readyz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        _, data = await _closed_within(reader, 10 * TIMEOUT_FACTOR)
        head, _, payload = data.partition(b"\r\n\r\n")
        assert head.startswith((b"HTTP/1.1 4", b"HTTP/1.0 4")), head
        assert b"application/problem+json" in head, head
        assert json.loads(payload)["code"] in ("protocol_error", "limit_exceeded")
        writer.close()
        assert hub.metrics.get("hotline_internal_errors_total") == 0
    finally:
        await hub.stop()


async def test_slow_headers_and_bodies_are_closed_at_their_deadlines(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url, header_timeout_s=1.0, body_timeout_s=1.0)
    limit = 6 * TIMEOUT_FACTOR
    try:
        # TCP that never starts TLS: closed at the header deadline too (asyncio's is 60 s)
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.port)
        took, _ = await _closed_within(reader, limit)
        assert took < 1.0 + 2.0 * TIMEOUT_FACTOR, took
        writer.close()

        # a request head that never ends: bytes keep coming, the deadline does not move
        reader, writer = await _raw(hub, home)
        writer.write(b"GET /readyz HTTP/1.1\r\n")

        async def trickle_headers() -> None:
            for i in range(100):
                await asyncio.sleep(DRIP_S)
                writer.write(f"X-{i}: a\r\n".encode())

        drip = asyncio.create_task(trickle_headers())
        took, _ = await _closed_within(reader, limit)
        drip.cancel()
        assert took < 1.0 + 2.0 * TIMEOUT_FACTOR, took
        writer.close()

        # a body that trickles: 408 request_timeout, then the connection is closed
        reader, writer = await _raw(hub, home)
        writer.write(
            b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n"
            b"Content-Type: application/msgpack\r\n\r\n"
        )

        async def trickle_body() -> None:
            for _ in range(1000):
                writer.write(b"\x00")
                await asyncio.sleep(DRIP_S)

        drip = asyncio.create_task(trickle_body())
        took, data = await _closed_within(reader, limit)
        drip.cancel()
        assert data.startswith(b"HTTP/1.1 408"), data[:200]
        assert json.loads(data.partition(b"\r\n\r\n")[2])["code"] == "request_timeout"
        assert took < 1.0 + 1.0 + 2.0 * TIMEOUT_FACTOR, took  # deadline + lingering read
        writer.close()

        # a body the peer gives up on: counted, not a 500, no traceback
        reader, writer = await _raw(hub, home)
        writer.write(b"POST /v1/roster HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\nabc")
        await writer.drain()
        writer.transport.abort()
        await wait_until(
            lambda: hub.metrics.get("hotline_rest_aborted_total") >= 1, what="the abort counted"
        )
        assert hub.metrics.get("hotline_internal_errors_total") == 0
        assert hub.metrics.get("hotline_rest_slow_bodies_total") == 1
    finally:
        await hub.stop()


async def test_unauthenticated_websockets_are_capped_per_address(
    home: Path, redis_server: RedisProcess
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    hub = await start_hub(home, redis_server.url, preauth_sockets_per_address=3)
    url, ctx = hub.url, _ctx(home)
    held = []
    try:
        for _ in range(3):
            ws = await connect(url, ssl=ctx)
            await ws.recv()  # the challenge: now it only waits (or pings)
            held.append(ws)
        assert hub.metrics.get("hotline_unauthenticated_sockets") == 3
        try:
            await connect(url, ssl=ctx)
            raise AssertionError("a fourth unauthenticated socket was admitted")
        except InvalidStatus as exc:
            resp = exc.response
            assert resp.status_code == 429
            assert resp.headers["Content-Type"] == "application/problem+json"
            assert json.loads(resp.body)["code"] == "rate_limited"
        assert hub.metrics.get("hotline_preauth_refused_total", scope="address") == 1
        await held.pop().close()
        await wait_until(
            lambda: hub.metrics.get("hotline_unauthenticated_sockets") == 2, what="a slot freed"
        )
        # an authenticated device leaves the count once its handshake is done
        async with RawDevice(url, home, "RS/officer-1"):
            await wait_until(
                lambda: hub.metrics.get("hotline_unauthenticated_sockets") == 2,
                what="the device authenticated",
            )
    finally:
        for ws in held:
            await ws.close()
        await hub.stop()


async def test_connections_are_capped_per_address_before_tls(
    home: Path, redis_server: RedisProcess
) -> None:
    """Past the cap a connection is closed at once, unanswered, even one that never
    starts TLS; the deadlines bound how long each of the others is held."""
    hub = await start_hub(home, redis_server.url, connections_per_address=3)
    held = []
    try:
        for _ in range(3):  # plain TCP on the TLS port: counted before any handshake
            held.append(await asyncio.open_connection("127.0.0.1", hub.port))
        await wait_until(lambda: hub.metrics.get("hotline_connections") == 3, what="3 counted")
        reader, writer = await asyncio.open_connection("127.0.0.1", hub.port)
        took, data = await _closed_within(reader, 5 * TIMEOUT_FACTOR)
        assert data == b"" and took < 1.0 * TIMEOUT_FACTOR, took  # not the 10 s deadline
        writer.close()
        assert hub.metrics.get("hotline_connections_refused_total", why="open") == 1
        held.pop()[1].close()
        await wait_until(lambda: hub.metrics.get("hotline_connections") == 2, what="one left")
        status, _ctype, body, _ = await _call(hub.http, home, "GET", "/healthz")
        assert status == 200, body  # a slot is free again: served
    finally:
        for _r, w in held:
            w.close()
        await hub.stop()


def test_an_address_that_reconnects_too_fast_is_closed_at_once() -> None:
    """The connection rate per address: a burst, then the rate; each address its own."""
    now = [0.0]
    gate = ConnectionGate(1000, Metrics(), rate=2.0, burst=3, clock=lambda: now[0])
    assert [gate.admit("10.0.0.1") for _ in range(4)] == [True, True, True, False]
    assert gate.admit("10.0.0.2")  # another address has its own bucket
    now[0] += 0.5  # one more token at 2 a second
    assert gate.admit("10.0.0.1") and not gate.admit("10.0.0.1")
    assert gate.metrics.get("hotline_connections_refused_total", why="rate") == 2


async def test_rest_proofs_spend_the_devices_budget(home: Path, redis_server: RedisProcess) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        await wait_until(lambda: hub.app[LOG_TREE].latest is not None, what="a first checkpoint")
        n = hub.app[LOG_TREE].latest.size  # type: ignore[union-attr]
        q = f"from={n}&to={n}"
        for _ in range(PROOF_BUDGET):
            status, _, body, _ = await _call(
                hub.http, home, "GET", "/v1/log/consistency", query=q, device="RS/officer-1"
            )
            assert status == 200, body
        status, ctype, body, _ = await _call(
            hub.http, home, "GET", "/v1/log/consistency", query=q, device="RS/officer-1"
        )
        assert_problem(status, ctype, body, 429, "rate_limited")
        # another device has its own budget
        status, _, _, _ = await _call(
            hub.http, home, "GET", "/v1/log/consistency", query=q, device="HR/officer-1"
        )
        assert status == 200
        # and the same device's websocket proofs draw from the one it spent
        async with RawDevice(hub.url, home, "RS/officer-1") as rs:
            frame = await rs.raw(raw_frame("consistency", **{"from": n, "to": n}))
            assert frame.type == "error" and frame["code"] == "rate_limited", frame.fields
    finally:
        await hub.stop()


async def test_a_signed_request_cannot_be_replayed_nor_its_query_changed(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        await wait_until(lambda: hub.app[LOG_TREE].latest is not None, what="a first checkpoint")
        n = hub.app[LOG_TREE].latest.size  # type: ignore[union-attr]
        path, q = "/v1/log/consistency", f"from={n}&to={n}"
        status, _, _, sent = await _call(
            hub.http, home, "GET", path, query=q, device="AL/officer-1"
        )
        assert status == 200
        status, ctype, body, _ = await _call(hub.http, home, "GET", path, query=q, headers=sent)
        assert_problem(status, ctype, body, 409, "replay")
        # the auditor's export headers, reused with another to_ms: the signature fails
        headers = signed_headers(home, "AUDIT/auditor-1", "GET", "/v1/audit/export", "to_ms=1")
        status, ctype, body, _ = await _call(
            hub.http, home, "GET", "/v1/audit/export", query="to_ms=2", headers=headers
        )
        assert_problem(status, ctype, body, 401, "auth_failed")
        log = await hub.streams.log.range()
        assert not [e for e in log if e.type == "export"]  # nothing was exported
    finally:
        await hub.stop()
