"""The roster chain of a bundle, and which roster is in force at each log position.

docs/protocol.md §7: every version after the first is signed by a quorum of the parties
of the version before it. The acceptance rule is applied with the roster *in force* at
an entry's position (design D3): the last ``roster`` entry before it in the log, else the
bundle's first roster. The roster in force only moves forward: a log that goes back to
an older version (which might not yet revoke a stolen key) is itself a finding.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import ProtocolError
from ..roster import Roster, verify_transition
from .findings import Finding, finding

__all__ = ["RosterTimeline", "roster_key", "verify_rosters"]


def roster_key(data: bytes) -> bytes:
    """How a ``roster`` log entry's payload is matched to a chain version."""
    return hashlib.sha256(data).digest()


def verify_rosters(raw: Sequence[bytes]) -> tuple[list[Roster], list[Finding]]:
    """The verified prefix of the chain, and a finding where it breaks."""
    chain: list[Roster] = []
    for data in raw:
        try:
            r = Roster.decode(data)
            verify_transition(chain[-1] if chain else None, r, r.issued_ms)
        except ProtocolError as exc:
            v = len(chain) + 1
            return chain, [finding("roster", f"roster version {v}: {exc.message}")]
        chain.append(r)
    if not chain:
        return chain, [finding("roster", "the bundle holds no roster: nothing to verify against")]
    return chain, []


@dataclass(frozen=True, slots=True)
class RosterTimeline:
    """Chain indexes in force from given positions on: ``starts[k]`` → ``index[k]``."""

    starts: tuple[int, ...] = (0,)
    index: tuple[int, ...] = (0,)

    def at(self, position: int) -> int:
        """The chain index in force for the entry at ``position``."""
        return self.index[bisect.bisect_right(self.starts, position) - 1]

    @classmethod
    def build(
        cls,
        announced: Sequence[tuple[int, str, bytes]],
        chain: Sequence[Roster],
        raw: Sequence[bytes],
    ) -> tuple[RosterTimeline, list[Finding]]:
        """From the ``roster`` entries (position, stream id, payload key), in log order.

        A roster entry takes effect for the entries *after* it: the entry itself was
        written (and signed) by the hub under the roster before it.
        """
        keys = {roster_key(raw[k]): k for k in range(len(chain))}
        starts, index, found = [0], [0], []
        for pos, sid, key in announced:
            k = keys.get(key)
            if k is None:
                found.append(
                    finding("roster", "the log names a roster outside the verified chain", pos, sid)
                )
            elif k < index[-1]:
                v, cur = chain[k].version, chain[index[-1]].version
                back = f"the log goes back to roster version {v} from {cur}"
                found.append(finding("roster", back, pos, sid))
            elif k > index[-1]:
                starts.append(pos + 1)
                index.append(k)
        return cls(tuple(starts), tuple(index)), found
