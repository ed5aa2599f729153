"""Signed REST requests to the hub (docs/protocol.md §8.4)."""

from __future__ import annotations

import json
import os
import ssl
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp
from yarl import URL

from hotline.protocol import error_for_code, unpack
from hotline.protocol.auth import REST_NONCE_BYTES, canonical_query, rest_payload
from hotline.runtime.clock import now_ms

from .home import Device

__all__ = ["Rest", "http_base"]


def http_base(ws_url: str) -> str:
    """``wss://h:p/v1/ws`` → ``https://h:p``."""
    u = urlsplit(ws_url)
    scheme = "https" if u.scheme == "wss" else "http"
    return f"{scheme}://{u.netloc}"


class Rest:
    def __init__(self, ws_url: str, device: Device, hub_id: str, ca_cert: Path | None) -> None:
        self.base = http_base(ws_url)
        self.device = device
        self.hub_id = hub_id
        self.ssl = (
            ssl.create_default_context(cafile=str(ca_cert) if ca_cert else None)
            if self.base.startswith("https")
            else False
        )

    def _headers(self, method: str, path: str, query: str, body: bytes) -> dict[str, str]:
        """The signed headers of one request: a fresh nonce each time (§8.4)."""
        at, nonce = now_ms(), os.urandom(REST_NONCE_BYTES)
        payload = rest_payload(self.hub_id, method, path, query, body, self.device.id, at, nonce)
        return {
            "X-Hotline-Device": self.device.id,
            "X-Hotline-Time": str(at),
            "X-Hotline-Nonce": nonce.hex(),
            "X-Hotline-Signature": self.device.sign.sign(payload).hex(),
        }

    @staticmethod
    def _query(params: dict[str, Any] | None) -> str:
        return canonical_query(urlencode(sorted((params or {}).items())))

    async def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: bytes | None = None,
        timeout: float = 60,
    ) -> bytes:
        """Raw response bytes; a problem answer raises its typed error."""
        query = self._query(params)
        url = self.base + path + (f"?{query}" if query else "")
        headers = self._headers(method, path, query, body or b"")
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as s,
            s.request(
                method,
                URL(url, encoded=True),
                data=body,
                ssl=self.ssl,
                headers=headers,
            ) as r,  # fmt: skip
        ):
            data = await r.read()
            if r.status >= 400:
                raise _problem(r.status, r.content_type, data)
            return data

    async def msgpack(self, method: str, path: str, **kw: Any) -> Any:
        return unpack(await self.request(method, path, **kw))

    async def download(self, path: str, out: Path, params: dict[str, Any]) -> int:
        """Stream a large response to a file; returns its size."""
        size = 0
        query = self._query(params)
        url = self.base + path + (f"?{query}" if query else "")
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3600)) as s,
            s.get(
                URL(url, encoded=True),
                ssl=self.ssl,
                headers=self._headers("GET", path, query, b""),
            ) as r,  # fmt: skip
        ):
            if r.status >= 400:
                raise _problem(r.status, r.content_type, await r.read())
            with open(out, "wb") as f:
                async for chunk in r.content.iter_chunked(1 << 16):
                    f.write(chunk)
                    size += len(chunk)
        return size


def _problem(status: int, content_type: str, data: bytes) -> Exception:
    """The typed error of a problem answer (RFC 9457 or the hub's JSON before 1.0)."""
    if content_type in ("application/problem+json", "application/json"):
        try:
            p = json.loads(data)
            # ``detail`` says what happened this time; ``title`` only names the kind
            text = p.get("detail") or p.get("message") or p.get("title") or ""
            return error_for_code(str(p.get("code", "protocol_error")), str(text))
        except (ValueError, AttributeError):
            pass  # not the JSON it claims: reported below as it is
    return error_for_code("protocol_error", f"HTTP {status}: {data[:200]!r}")
