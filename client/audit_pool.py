"""Audit verification on every core: the pure per-chunk passes in a process pool.

protocol/audit/ splits the work into chunks that verify independently (signatures and
the acceptance rule, given the index pass's context) and merges the findings in an
order that does not depend on the split; this module only supplies the processes
(issue 19 item 5). Why processes, not threads: around each signature check the work is
Python (msgpack decoding, canonical re-encoding, the rule), which threads would run one
at a time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from hotline.protocol.audit import STRICT, AuditOptions, AuditReport, Checkpoint, verify_bundle

__all__ = ["cores", "verify_on_all_cores"]

#: below this size a pool costs more (start-up, pickling) than it saves
_MIN_PARALLEL_BYTES = 1 << 20


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def verify_on_all_cores(
    data: bytes | memoryview,
    trusted: Sequence[Checkpoint] = (),
    options: AuditOptions = STRICT,
    workers: int | None = None,
    chunk_entries: int = 512,
) -> AuditReport:
    """``verify_bundle`` with its chunk passes spread over ``workers`` processes.

    ``workers``: None for every core (a small bundle is then verified in this process);
    1 for this process only; more forces a pool of that size. The findings are identical
    to the single-process path's (tests/client/test_audit_pool.py checks it on a bundle
    with every kind of finding).
    """
    n = workers or cores()
    if n <= 1 or (workers is None and len(data) < _MIN_PARALLEL_BYTES):
        return verify_bundle(data, trusted, options, chunk_entries=chunk_entries)
    with ProcessPoolExecutor(max_workers=n) as pool:

        def mapper(fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterable[Any]:
            # submits every chunk at once, so the workers run while the caller goes on
            # with the log-level checks; results come back in order
            return pool.map(fn, items)

        return verify_bundle(data, trusted, options, mapper=mapper, chunk_entries=chunk_entries)
