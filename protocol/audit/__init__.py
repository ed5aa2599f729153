"""Audit bundles and their verification — needing nothing but public keys (docs/audit.md).

- :mod:`.bundle` — the bundle file: records, reading (garbage vs truncated), writing.
- :mod:`.findings` — one :class:`Finding` per problem; the :class:`AuditReport`.
- :mod:`.walk` / :mod:`.entries` — the per-chunk index and check passes (pure, so they
  may run in a process pool).
- :mod:`.tree` / :mod:`.witnessing` — the log against checkpoints and cosignatures.
- :mod:`.verify` — :func:`verify_bundle`, which runs them all.
"""

from __future__ import annotations

from ..checkpoint import Checkpoint
from .bundle import (
    MAGIC,
    MAX_RECORDS,
    Bundle,
    NotABundle,
    TruncatedBundle,
    bundle_record,
    read_bundle,
    read_bundle_prefix,
    write_bundle,
)
from .findings import ERROR, KINDS, WARNING, AuditReport, Finding, Severity, finding
from .options import LEGACY, STRICT, AuditOptions
from .verify import CHUNK_ENTRIES, Mapper, verify_bundle

__all__ = [
    "CHUNK_ENTRIES",
    "ERROR",
    "KINDS",
    "LEGACY",
    "MAGIC",
    "MAX_RECORDS",
    "STRICT",
    "WARNING",
    "AuditOptions",
    "AuditReport",
    "Bundle",
    "Checkpoint",
    "Finding",
    "Mapper",
    "NotABundle",
    "Severity",
    "TruncatedBundle",
    "bundle_record",
    "finding",
    "read_bundle",
    "read_bundle_prefix",
    "verify_bundle",
    "write_bundle",
]
