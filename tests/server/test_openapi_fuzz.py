"""schemathesis, driven by docs/openapi.yaml, against a real hub: no 5xx, conformant problems.

Every operation is fuzzed unauthenticated (whatever headers the schema allows), and each
that needs signed headers once more with real ones (docs/protocol.md §8.4, signed over the
exact method, path, query and body that go on the wire) so the fuzzer reaches past the
signature. Checks: no server error, every status and content type is one the document
lists, every body matches its schema, every 4xx/5xx is an RFC 9457 problem whose
``status`` is the HTTP one. Bounded (``CASES`` per operation and mode, derandomised, no
shrinking) to stay a few seconds of the suite; the hub runs in the test's event loop and
the fuzzer in a thread beside it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from yarl import URL

from hotline.client.home import Home
from hotline.protocol.auth import REST_NONCE_BYTES, canonical_query, rest_payload
from hotline.runtime.clock import now_ms
from hotline.server.redis_process import RedisProcess
from tests.harness import ROOT, start_hub

SPEC = ROOT / "docs" / "openapi.yaml"
CASES = int(os.environ.get("HOTLINE_FUZZ_CASES", "15"))
#: the auditor's export waits up to 3 s for witnesses that are not online here
FEWER = {("/v1/audit/export", "AUDIT/auditor-1"): 2}
SIGNERS = ("RS/officer-1", "HR/officer-1", "BA/feed-1", "AUDIT/auditor-1")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schemathesis.serializer.alias("application/msgpack", "application/octet-stream")


def _problem_check(resp: requests.Response) -> None:
    if resp.status_code < 400:
        return
    assert resp.headers.get("Content-Type", "").startswith("application/problem+json"), (
        resp.status_code,
        resp.headers.get("Content-Type"),
        resp.content[:200],
    )
    body = resp.json()
    assert {"type", "title", "status", "detail", "code"} <= set(body), body
    assert body["status"] == resp.status_code, body
    assert "Traceback" not in resp.text and "Exception" not in resp.text, body


def _signer(home: Path) -> Callable[[requests.PreparedRequest, str], None]:
    h = Home(home)
    devices = {d: h.device(d) for d in SIGNERS}

    def sign(req: requests.PreparedRequest, device: str) -> None:
        dev = devices[device]
        url = str(req.url)
        body = req.body or b""
        data = body.encode() if isinstance(body, str) else body
        # what the hub reads: the decoded path, the query as aiohttp decodes it
        path = unquote(urlsplit(url).path)
        query = canonical_query(URL(url, encoded=True).query_string)
        at, nonce = now_ms(), os.urandom(REST_NONCE_BYTES)
        payload = rest_payload("HUB/hub-1", req.method or "", path, query, data, dev.id, at, nonce)
        req.headers["X-Hotline-Device"] = dev.id
        req.headers["X-Hotline-Time"] = str(at)
        req.headers["X-Hotline-Nonce"] = nonce.hex()
        req.headers["X-Hotline-Signature"] = dev.sign.sign(payload).hex()

    return sign


def _cases(op: Any) -> Any:
    """Valid and invalid requests both: the invalid ones are where a 500 would hide."""
    positive = op.as_strategy(GenerationMode.POSITIVE)
    try:
        return st.one_of(positive, op.as_strategy(GenerationMode.NEGATIVE))
    except Exception:  # an operation with nothing to get wrong (no parameters, no body)
        return positive


def _one(
    op: Any,
    mode: str | None,
    base: str,
    session: requests.Session,
    sign: Callable[[requests.PreparedRequest, str], None],
    counter: list[int],
) -> Callable[[], None]:
    """The hypothesis test of one operation in one mode (unsigned, or signed by whom)."""

    @settings(
        max_examples=FEWER.get((op.path, mode or ""), CASES),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(op))
    def run(case: Any) -> None:
        counter[0] += 1
        kw = case.as_transport_kwargs(base_url=base)
        req = requests.Request(
            kw["method"],
            kw["url"],
            headers=kw.get("headers"),
            params=kw.get("params"),
            data=kw.get("data"),
            json=kw.get("json"),
        ).prepare()
        if mode is not None:  # "signed": the officers and a feed in turn
            sign(req, mode if mode != "signed" else SIGNERS[counter[0] % 3])
        resp = session.send(req, timeout=30)
        case.validate_response(resp, checks=CHECKS)
        _problem_check(resp)

    return run


def fuzz(base: str, home: Path) -> tuple[int, list[str]]:
    """(cases run, failures) over every operation of the document but /metrics."""
    schema = schemathesis.openapi.from_path(SPEC)
    session = requests.Session()
    session.verify = str(home / "hub" / "tls.crt")
    sign = _signer(home)
    failures: list[str] = []
    counter = [0]
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path == "/metrics":  # its own private listener, not this one
            continue
        modes: list[str | None] = [None]
        if op.definition.raw.get("security"):
            modes.append("AUDIT/auditor-1" if op.path == "/v1/audit/export" else "signed")
        for mode in modes:
            try:
                _one(op, mode, base, session, sign, counter)()
            except Exception as exc:  # one line per failing operation and mode
                failures.append(f"{op.method.upper()} {op.path} [{mode}]: {exc!s:.800}")
    return counter[0], failures


async def test_the_hub_survives_its_own_openapi_fuzzed(
    home: Path, redis_server: RedisProcess
) -> None:
    hub = await start_hub(home, redis_server.url)
    try:
        ran, failures = await asyncio.to_thread(fuzz, hub.http, home)
        assert failures == [], "\n".join(failures)
        assert ran >= 10 * CASES
        assert hub.metrics.get("hotline_internal_errors_total") == 0
        log = await hub.streams.log.range()
        assert not [e for e in log if e.type == "rejected"]  # nothing unauthenticated stored
    finally:
        await hub.stop()
