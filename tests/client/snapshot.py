"""Plain-text snapshots of a Textual screen, read from Textual's own SVG export."""

from __future__ import annotations

import html
import os
import re
from collections import defaultdict
from pathlib import Path

SNAPSHOTS = Path(__file__).parent / "snapshots"
_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
    r'clip-path="url\(#[\w-]+-line-(\d+)\)">(.*?)</text>',
    re.S,
)


def svg_text(svg: str, cell_width: float = 12.2) -> str:
    """The characters on screen, line by line (trailing spaces trimmed)."""
    lines: dict[int, dict[int, str]] = defaultdict(dict)
    for x, line, content in _TEXT.findall(svg):
        lines[int(line)][round(float(x) / cell_width)] = html.unescape(content).replace("\xa0", " ")
    out = []
    for n in range(max(lines) + 1 if lines else 0):
        row = ""
        for col in sorted(lines[n]):
            row = row.ljust(col) + lines[n][col]
        out.append(row.rstrip())
    return "\n".join(out) + "\n"


def check(name: str, svg: str) -> None:
    """Compare with the stored snapshot; HOTLINE_UPDATE_SNAPSHOTS=1 rewrites it."""
    text = svg_text(svg)
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("HOTLINE_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text)
        if os.environ.get("HOTLINE_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"snapshot {name} was missing and has been written; re-run")
    assert text == path.read_text(), f"screen differs from {path} (HOTLINE_UPDATE_SNAPSHOTS=1)"
