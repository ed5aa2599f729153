"""Cosignatures in a bundle: who witnessed which checkpoint, and is the final one witnessed.

docs/protocol.md §9.4, design D6. A bundle carries the parties' cosignatures (records
``cosignature``). Each valid one is a party's own statement that the first ``size``
entries hash to ``root`` — outside evidence the hub's operator cannot forge. So every
valid cosignature is checked against the log like a checkpoint a party kept (a
different root is a ``fork``, a larger size a roll-back), and by default the final
checkpoint must be cosigned by a quorum of the roster's voting parties: a history the
operator rewrote and re-signed with the hub key carries no party's cosignature, and
fails with no outside input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..checkpoint import Checkpoint
from ..errors import ProtocolError
from ..roster import Roster
from ..witness import Cosignature, count_witnesses
from .findings import WARNING, Finding, Severity, finding
from .options import AuditOptions
from .tree import Claim

__all__ = ["Witnessing", "quorum_finding", "read_cosignatures"]


@dataclass(frozen=True, slots=True)
class Witnessing:
    """The valid cosignatures, as claims on the log, and the findings about the rest."""

    valid: tuple[Cosignature, ...]
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]


def _target(c: Cosignature, hub_cps: Sequence[Checkpoint], hub: str, net: str) -> Checkpoint:
    # The hub checkpoint it countersigns if there is one; else a stand-in with the same
    # (network, hub, size, root) — all a cosignature covers — so that a cosignature on a
    # history the bundle does not hold still verifies, and then shows as a fork.
    for cp in hub_cps:
        if cp.size == c.size and cp.root == c.root:
            return cp
    return Checkpoint(net, hub, c.size, c.root, 0, 0, b"")


def read_cosignatures(
    raw: Sequence[bytes],
    hub_cps: Sequence[Checkpoint],
    hub: str,
    roster_at: Callable[[int], Roster],
) -> Witnessing:
    """Decode and verify every cosignature record."""
    valid, claims, found = [], [], []
    for k, data in enumerate(raw):
        try:
            c = Cosignature.decode(data)
            roster = roster_at(c.size)
            party = c.verify(_target(c, hub_cps, hub, roster.network), roster)
        except ProtocolError as exc:
            found.append(finding("cosignature", f"cosignature record {k + 1}: {exc.message}"))
            continue
        valid.append(c)
        claims.append(Claim(c.size, c.root, f"a checkpoint {party} cosigned ({c.cosigner})"))
    return Witnessing(tuple(valid), tuple(claims), tuple(found))


def quorum_finding(
    final: Checkpoint | None,
    cosigs: Sequence[Cosignature],
    roster: Roster,
    options: AuditOptions,
    entries: int,
) -> Finding | None:
    """``too_few_cosignatures`` unless the final checkpoint has its quorum of witnesses."""
    need = roster.quorum if options.cosigning_quorum is None else options.cosigning_quorum
    sev: Severity | None = WARNING if options.uncosigned_is_warning else None
    if need <= 0 or entries == 0:
        return None
    if final is None:
        return finding(
            "too_few_cosignatures", "no signed checkpoint to be cosigned", None, None, sev
        )
    w = count_witnesses(final, [c for c in cosigs if c.covers(final)], roster)
    if len(w.parties) >= need:
        return None
    who = ", ".join(sorted(w.parties)) or "none"
    return finding(
        "too_few_cosignatures",
        f"the final checkpoint ({final.size} entries) is cosigned by {len(w.parties)} "
        f"part{'y' if len(w.parties) == 1 else 'ies'} ({who}); {need} required",
        final.size - 1,
        None,
        sev,
    )
