"""protocol/ is sans-I/O: walk its source with ast and fail on forbidden imports."""

from __future__ import annotations

import ast
from pathlib import Path

PROTOCOL = Path(__file__).resolve().parents[2] / "protocol"
FORBIDDEN = {
    "asyncio",
    "socket",
    "ssl",
    "select",
    "selectors",
    "aiohttp",
    "websockets",
    "redis",
    "sqlite3",
    "subprocess",
    "threading",
    "multiprocessing",
    "time",
    "random",
    "secrets",
    "os",
    "shutil",
    "pathlib",
    "urllib",
    "http",
    "textual",
    "requests",
    "signal",
}
# Pure string handling inside a forbidden package (no sockets, no files).
ALLOWED = {"urllib.parse"}


def test_protocol_imports_no_io_modules() -> None:
    offenders = []
    files = list(PROTOCOL.rglob("*.py"))
    assert len(files) > 10
    for path in files:
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in FORBIDDEN and n not in ALLOWED
            ]
    assert offenders == []


def test_no_clock_reads() -> None:
    for path in PROTOCOL.rglob("*.py"):
        src = path.read_text("utf-8")
        for call in (".now(", ".today(", "utcnow(", "time.time", "urandom"):
            assert call not in src, f"{path.name} reads a clock or entropy: {call}"
