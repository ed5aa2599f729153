"""What an auditor asks of a bundle: the strictness knobs of ``verify_bundle``.

The defaults are the strict ones (docs/audit.md): every event hub-signed, the final
checkpoint cosigned by the roster's quorum of parties. The two relaxations exist for
bundles that predate hub-signed events or witnessing, and for offline checks; each only
lowers its finding to a warning (exit 6), never hides it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..acceptance import Rules

__all__ = ["LEGACY", "STRICT", "AuditOptions"]


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """Strictness of an audit.

    Attributes:
        cosigning_quorum: distinct voting parties whose cosignatures the final checkpoint
            needs; None: the roster's quorum; 0: none (a network not yet witnessing).
        uncosigned_is_warning: report too few cosignatures as a warning, not an error.
        unsigned_events_are_warnings: legacy logs written before hubs signed their events:
            an event with *no* hub signature is a warning (a signature that does not
            verify stays an error).
        rules: the skew bounds of the acceptance rule (R11), as the hub applies them.
    """

    cosigning_quorum: int | None = None
    uncosigned_is_warning: bool = False
    unsigned_events_are_warnings: bool = False
    rules: Rules = field(default_factory=Rules)


#: the defaults: every event hub-signed, the final checkpoint cosigned by a quorum
STRICT = AuditOptions()
#: for bundles from a hub that does not yet sign events nor collect cosignatures
LEGACY = AuditOptions(uncosigned_is_warning=True, unsigned_events_are_warnings=True)
