"""``python -m hotline.server --home DIR``: run the hub (``hotline serve`` does the same)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .run import serve

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m hotline.server")
    p.add_argument("--home", type=Path, required=True)
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--redis")
    a = p.parse_args(argv)
    return serve(a.home, host=a.host, port=a.port, redis_url=a.redis)


if __name__ == "__main__":
    sys.exit(main())
