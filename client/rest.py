"""Signed REST requests to the hub (docs/protocol.md §8.4)."""

from __future__ import annotations

import ssl
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from hotline.protocol import error_for_code, unpack
from hotline.protocol.auth import rest_payload_v1 as http_auth_payload

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

    def _headers(self, method: str, path: str) -> dict[str, str]:
        at = time.time_ns() // 1_000_000
        sig = self.device.sign.sign(
            http_auth_payload(self.hub_id, method, path, self.device.id, at)
        )
        return {
            "X-Hotline-Device": self.device.id,
            "X-Hotline-Time": str(at),
            "X-Hotline-Signature": sig.hex(),
        }

    async def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        body: bytes | None = None,
        timeout: float = 60,
    ) -> bytes:
        """Raw response bytes; a problem answer raises its typed error."""
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as s,
            s.request(
                method,
                self.base + path,
                params=params,
                data=body,
                ssl=self.ssl,
                headers=self._headers(method, path),
            ) as r,
        ):
            data = await r.read()
            if r.status >= 400:
                if r.content_type == "application/json":
                    import json

                    p = json.loads(data)
                    raise error_for_code(p.get("code", "protocol_error"), p.get("message", ""))
                raise error_for_code("protocol_error", f"HTTP {r.status}: {data[:200]!r}")
            return data

    async def msgpack(self, method: str, path: str, **kw: Any) -> Any:
        return unpack(await self.request(method, path, **kw))

    async def download(self, path: str, out: Path, params: dict[str, Any]) -> int:
        """Stream a large response to a file; returns its size."""
        size = 0
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3600)) as s,
            s.get(
                self.base + path, params=params, ssl=self.ssl, headers=self._headers("GET", path)
            ) as r,
        ):
            if r.status >= 400:
                import json

                p = json.loads(await r.read())
                raise error_for_code(p.get("code", "protocol_error"), p.get("message", ""))
            with open(out, "wb") as f:
                async for chunk in r.content.iter_chunked(1 << 16):
                    f.write(chunk)
                    size += len(chunk)
        return size
