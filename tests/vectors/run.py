"""The conformance runner's command line (docs/protocol.md §11.4).

    python -m tests.vectors.run [FILE]          # one JSON result per line, in case order
    python -m tests.vectors.run --check [FILE]  # compare with each case's "expect"

Input (FILE, or stdin): one case object, or a suite ``{"cases": [...]}``. The mapping
from a case to its result is pure and lives in ``hotline.protocol.conformance``; this
file only reads and writes.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from hotline.protocol.conformance import matches, run_case


def cases_of(doc: Any) -> list[dict[str, Any]]:
    return list(doc["cases"]) if isinstance(doc, dict) and "cases" in doc else [doc]


def run(doc: Any) -> list[dict[str, Any]]:
    out = []
    for c in cases_of(doc):
        try:
            out.append(run_case(c))
        except (KeyError, TypeError, ValueError, IndexError) as exc:  # a malformed case
            out.append(
                {
                    "id": c.get("id") if isinstance(c, dict) else None,
                    "ok": False,
                    "code": "bad_case",
                    "detail": type(exc).__name__,
                }
            )
    return out


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    try:
        if paths:
            with open(paths[0], encoding="utf-8") as f:
                text = f.read()
        else:
            text = sys.stdin.read()
        doc = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        print(
            f"error: cannot read the cases: {exc}: pass a JSON file or pipe one in", file=sys.stderr
        )
        return 2
    results = run(doc)
    if not check:
        for r in results:
            print(json.dumps(r, ensure_ascii=False))
        return 0
    failed = [
        c["id"]
        for c, r in zip(cases_of(doc), results, strict=True)
        if not matches(c.get("expect", {}), r)
    ]
    for cid in failed:
        print(f"FAILED {cid}")
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
