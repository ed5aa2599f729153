"""Findings: every problem an audit found, one per problem, and the report that lists them.

docs/audit.md has the table of kinds (what each means, what to do). Why every finding
and not the first: an insider who deletes one entry and forges two others must not be
able to hide the forgeries behind the deletion (issue 15: the old audit printed only
``entry 8 … missing``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal

__all__ = [
    "ERROR",
    "KINDS",
    "WARNING",
    "AuditReport",
    "Finding",
    "Severity",
    "finding",
    "merge_findings",
]

Severity = Literal["error", "warning"]
ERROR: Final[Severity] = "error"
WARNING: Final[Severity] = "warning"

#: kind → default severity. The order is the order findings at one position are listed in.
KINDS: Final[dict[str, Severity]] = {
    "unreadable": "error",  # the bundle is garbage
    "truncated": "error",  # fewer entries than a signed checkpoint or a party holds
    "roster": "error",  # the roster chain is broken, or the log names a roster outside it
    "checkpoint": "error",  # a checkpoint's hub signature, window or chain is broken
    "fork": "error",  # two histories: checkpoints or cosignatures that cannot both hold
    "missing": "error",  # an entry the hub signed is not in the log
    "inserted": "error",  # an entry in the log the hub never signed into a checkpoint
    "edited": "error",  # an entry differs from the one the hub signed, or does not decode
    "reordered": "error",  # an entry the hub signed sits at another position
    "unsigned": "error",  # no valid hub signature on the event (R17)
    "bad_signature": "error",  # the sender's or receipt signer's signature does not verify
    "replay": "error",  # one message id accepted twice (same or other bytes)
    "rule_violation": "error",  # the acceptance rule refuses an accepted entry
    "clock": "error",  # created_ms outside the skew bound around the log's accept time
    "too_few_cosignatures": "error",  # the final checkpoint lacks a quorum of witnesses
    "cosignature": "warning",  # a cosignature that does not verify was ignored
    "uncovered": "warning",  # newest entries not yet covered by a signed checkpoint
}
_ORDER: Final = {k: i for i, k in enumerate(KINDS)}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: where (0-based log position, log stream id), what, and how bad.

    ``position`` is the entry's index in the bundle; for ``missing`` it is the index
    the entry had in the hub-signed log; None for findings about the whole bundle.
    """

    kind: str
    severity: Severity
    detail: str
    position: int | None = None
    stream_id: str | None = None

    def sort_key(self) -> tuple[int, int, str]:
        pos = -1 if self.position is None else self.position
        return (pos, _ORDER.get(self.kind, len(_ORDER)), self.detail)

    def line(self) -> str:
        where = "bundle" if self.position is None else f"entry {self.position}"
        if self.stream_id:
            where += f" (log id {self.stream_id})"
        return f"{where}: {self.kind}: {self.detail}"

    def to_json(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "stream_id": self.stream_id,
            "kind": self.kind,
            "severity": self.severity,
            "detail": self.detail,
        }


def finding(
    kind: str,
    detail: str,
    position: int | None = None,
    stream_id: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding with its kind's default severity unless one is given."""
    return Finding(kind, severity or KINDS[kind], detail, position, stream_id)


def merge_findings(parts: Iterable[Iterable[Finding]]) -> tuple[Finding, ...]:
    """All findings in one stable order; two of one kind at one entry become one.

    Why merge: some problems are seen by two checks (a bit flip makes an entry differ
    from its signed leaf *and* fail to decode); the auditor reads one row per problem.
    The order depends only on the findings, never on how the work was split, so the
    single-core and the process-pool paths report identical lists.
    """
    by_key: dict[tuple[int | None, str, str], Finding] = {}
    for part in parts:
        for f in part:
            # about the whole bundle (no position): only the very same finding is one
            key = (f.position, f.kind, "" if f.position is not None else f.detail)
            old = by_key.get(key)
            if old is None:
                by_key[key] = f
            elif f.detail not in old.detail.split("; "):
                details = "; ".join(sorted({*old.detail.split("; "), f.detail}))
                sev: Severity = ERROR if ERROR in (old.severity, f.severity) else WARNING
                by_key[key] = Finding(f.kind, sev, details, f.position, old.stream_id)
    return tuple(sorted(by_key.values(), key=Finding.sort_key))


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What was verified, and every finding."""

    entries: int
    checkpoints: int
    covered: int
    rosters: int
    cosignatures: int = 0
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)

    @property
    def ok(self) -> bool:
        """No finding of severity error (warnings may remain)."""
        return not self.errors

    @property
    def first(self) -> Finding | None:
        """The first error (else the first warning), for callers that show one line."""
        return next(iter(self.errors or self.findings), None)

    @property
    def severity(self) -> Severity | None:
        """The worst severity found, None when clean."""
        return ERROR if self.errors else (WARNING if self.findings else None)

    def summary(self) -> dict[str, dict[str, int]]:
        """Count per kind and severity, kinds in table order."""
        out: dict[str, dict[str, int]] = {}
        for f in sorted(self.findings, key=lambda x: _ORDER.get(x.kind, len(_ORDER))):
            per = out.setdefault(f.kind, {})
            per[f.severity] = per.get(f.severity, 0) + 1
        return out

    def kinds(self) -> list[tuple[str, int | None]]:
        """(kind, position) of every finding: what tests compare."""
        return [(f.kind, f.position) for f in self.findings]
