"""``hotline audit verify``: every finding, one row each, a summary, an exit code by severity.

Exit codes (README, design D10): 0 clean · 5 any finding of severity error · 6 warnings
only. The rows go to stdout (``--json``: one JSON document); the one-line verdict to
stderr, so ``… | grep`` sees the rows and the person sees the verdict.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from hotline.protocol.audit import AuditReport

__all__ = ["EXIT_ERRORS", "EXIT_WARNINGS", "exit_code", "render", "report_json", "timed"]

EXIT_ERRORS = 5  # design D10: verification failed
EXIT_WARNINGS = 6  # design D10: audit warnings only


def exit_code(rep: AuditReport) -> int:
    return {"error": EXIT_ERRORS, "warning": EXIT_WARNINGS, None: 0}[rep.severity]


def report_json(rep: AuditReport, seconds: float) -> dict[str, Any]:
    return {
        "ok": rep.ok,
        "severity": rep.severity,
        "entries": rep.entries,
        "covered_by_checkpoints": rep.covered,
        "checkpoints": rep.checkpoints,
        "rosters": rep.rosters,
        "cosignatures": rep.cosignatures,
        "seconds": round(seconds, 3),
        "summary": rep.summary(),
        "findings": [f.to_json() for f in rep.findings],
    }


def _counts(rep: AuditReport) -> str:
    e, w = len(rep.errors), len(rep.warnings)
    kinds = ", ".join(f"{kind} {sum(per.values())}" for kind, per in rep.summary().items())
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}" + (
        f" ({kinds})" if kinds else ""
    )


def _verdict(rep: AuditReport, name: str) -> str:
    kinds = {f.kind for f in rep.findings}
    if "unreadable" in kinds:
        detail = rep.findings[0].detail
        return (
            f"error: {name} is not an audit bundle (garbage: {detail}): pass the file "
            "`hotline audit export` wrote"
        )
    cut = next((f for f in rep.findings if f.kind == "truncated" and f.position is None), None)
    if cut is not None:
        return (
            f"error: {name} is truncated, cut off mid-record (a partial download or copy): "
            f"fetch it again with `hotline audit export`; {_counts(rep)}"
        )
    if rep.errors:
        return f"error: the log fails verification: {_counts(rep)}: see the rows above"
    if rep.warnings:
        return f"warning: the log verifies with warnings: {_counts(rep)}"
    return ""


def render(rep: AuditReport, name: str, seconds: float) -> None:
    """The human form: a row per finding, the summary, the verdict on stderr."""
    for f in rep.findings:
        pos = "-" if f.position is None else str(f.position)
        sid = f.stream_id or "-"
        print(f"{pos:>8}  {sid:<18} {f.kind:<20} {f.severity:<7} {f.detail}")
    print(
        f"verified {rep.entries} entries in {seconds:.2f} s: {rep.covered} covered by "
        f"{rep.checkpoints} checkpoints, roster versions: {rep.rosters}, "
        f"cosignatures: {rep.cosignatures}; {_counts(rep)}",
        flush=True,
    )
    verdict = _verdict(rep, name)
    if verdict:
        print(verdict, file=sys.stderr)


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0
