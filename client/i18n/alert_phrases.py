"""Security alerts in the officer's language: a code, its facts, and a sentence per code.

What went wrong is said in the officer's language; the protocol's own reason (an error
code and its English message, the evidence the commission reads) is one of the facts
and is shown as the client received it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .core import N_, _

__all__ = ["ALERTS", "alert_english", "alert_text"]

#: code → message id (the English sentence; placeholders are the alert's facts)
ALERTS: Final[Mapping[str, str]] = {
    "client_stopped": N_("this console stopped receiving ({task} failed: {error}); restarting"),
    "hub_alarm": N_("the hub raised an alarm: {code}: {message}"),
    "session_elsewhere": N_(
        "this device opened another session (a second console, or a command line): "
        "new messages go there until it closes. If it is not yours, report the key "
        "as compromised"
    ),
    "roster_refused": N_("refused a roster from the hub: {reason}"),
    "delivery_refused": N_("refused delivery: {reason}"),
    "log_replay": N_("replay in the log: message {id} is entry {held} and again entry {again}"),
    "log_fork": N_("fork alarm from the log: {what}"),
    "log_integrity": N_("integrity alarm from the log: {what}"),
    "fork": N_("forked history: {reason} — published"),
    "not_in_log": N_("not in the witnessed log: {reason}"),
    "unproven": N_("log entry {index} is still not in a checkpoint"),
    "bad_checkpoint": N_("bad checkpoint from the hub: {reason}"),
}


def alert_english(code: str, params: Mapping[str, Any]) -> str:
    """The sentence in English: logs, the store's text, anything not shown to an officer."""
    return ALERTS[code].format(**params)


def alert_text(code: str, params: Mapping[str, Any]) -> str:
    """The sentence in the active language (English for a code this client does not know)."""
    template = ALERTS.get(code)
    if template is None:
        return str(params.get("text", code))
    return _(template).format(**params)
