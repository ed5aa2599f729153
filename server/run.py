"""Run the hub until SIGINT/SIGTERM, with a clear one-line error for bad settings."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from aiohttp import web

from hotline.protocol import ProtocolError

from .config import Settings
from .hub import create_app, ssl_context
from .redis_process import RedisStartError

__all__ = ["serve"]


def serve(
    home: Path,
    *,
    host: str | None = None,
    port: int | None = None,
    redis_url: str | None = None,
    print_fn=print,
) -> int:  # type: ignore[no-untyped-def]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        settings = Settings.load(home, {"host": host, "port": port, "redis_url": redis_url})
        app = create_app(settings)
        scheme = "wss" if settings.tls else "ws"
        print_fn(
            f"hub {settings.device} listening on {scheme}://{settings.host}:{settings.port}/v1/ws",
            flush=True,
        )
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            ssl_context=ssl_context(settings),
            print=None,
            handle_signals=True,
            shutdown_timeout=5,
        )
    except (ProtocolError, RedisStartError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot listen: {exc.strerror}; choose another --port", file=sys.stderr)
        return 2
    return 0
