"""Names a person reads for the catalogue's codes: families, precedences, fields, values.

Codes travel on the wire in English (``military_activity``, ``FLASH``); what an officer
reads is translated here. Unknown codes (a family added later) are shown readably as they
are, never hidden.
"""

from __future__ import annotations

from .core import N_, _

__all__ = [
    "family_name",
    "field_name",
    "precedence_mark",
    "precedence_name",
    "receipt_state",
    "value_name",
]

FAMILIES = {
    "military_activity": N_("Military activity"),
    "drone_flight": N_("Drone flight"),
    "cyber_incident": N_("Cyber incident"),
    "arms_transfer": N_("Arms transfer"),
    "annual_information": N_("Annual information"),
    "hotline_message": N_("Hotline message"),
    "clarification_request": N_("Clarification request"),
    "clarification_response": N_("Clarification response"),
    "observation_invitation": N_("Observation invitation"),
    "observation_response": N_("Observation response"),
    "link_test": N_("Link test"),
}

PRECEDENCES = {
    "FLASH": N_("FLASH"),
    "IMMEDIATE": N_("IMMEDIATE"),
    "PRIORITY": N_("PRIORITY"),
    "ROUTINE": N_("ROUTINE"),
}
# Never colour alone: every precedence has a symbol and a word (short for the inbox column).
PREC_SHORT = {
    "FLASH": N_("FLASH"),
    "IMMEDIATE": N_("IMMED"),
    "PRIORITY": N_("PRIOR"),
    "ROUTINE": N_("ROUT"),
}
PREC_SYMBOL = {"FLASH": "‼", "IMMEDIATE": "!", "PRIORITY": "▲", "ROUTINE": "·"}

FIELDS = {
    "accepted": N_("accepted"),
    "action": N_("action"),
    "activity": N_("activity"),
    "acv": N_("armoured vehicles"),
    "affected_systems": N_("affected systems"),
    "aircraft_sorties": N_("aircraft sorties"),
    "answer": N_("answer"),
    "area": N_("area"),
    "armed": N_("armed"),
    "artillery": N_("artillery"),
    "assistance_requested": N_("assistance requested"),
    "battle_tanks": N_("battle tanks"),
    "border_distance_km": N_("distance to border (km)"),
    "budget_eur": N_("budget (EUR)"),
    "category": N_("category"),
    "contract_date": N_("contract date"),
    "delivery_date": N_("delivery date"),
    "detected_at": N_("detected at"),
    "direction": N_("direction"),
    "drones": N_("drones"),
    "end": N_("end"),
    "flight_id": N_("flight id"),
    "holdings": N_("holdings"),
    "indicators": N_("indicators"),
    "kind": N_("kind"),
    "lang": N_("language"),
    "live_fire": N_("live fire"),
    "name": N_("name"),
    "names": N_("names"),
    "note": N_("note"),
    "observers": N_("observers"),
    "observers_invited": N_("observers invited"),
    "operator": N_("operator"),
    "personnel": N_("personnel"),
    "place": N_("place"),
    "purpose": N_("purpose"),
    "quantity": N_("quantity"),
    "question": N_("question"),
    "remarks": N_("remarks"),
    "reply": N_("reply requested"),
    "sector": N_("sector"),
    "severity": N_("severity"),
    "start": N_("start"),
    "status": N_("status"),
    "subject": N_("subject"),
    "summary": N_("summary"),
    "supplier": N_("supplier"),
    "suspected_origin": N_("suspected origin"),
    "system": N_("system"),
    "text": N_("text"),
    "tlp": N_("TLP"),
    "troops": N_("troops"),
    "uav_type": N_("UAV type"),
    "unusual_activity": N_("unusual activity"),
    "value_eur": N_("value (EUR)"),
    "year": N_("year"),
}

VALUES = {
    "low": N_("low"),
    "medium": N_("medium"),
    "high": N_("high"),
    "critical": N_("critical"),
    "exercise": N_("exercise"),
    "movement": N_("movement"),
    "amphibious": N_("amphibious landing"),
    "airborne": N_("parachute assault"),
    "notify": N_("notification"),
    "amend": N_("amendment"),
    "cancel": N_("cancellation"),
    "contracted": N_("contracted"),
    "delivered": N_("delivered"),
}

#: receipt rank → state (−1: nothing yet)
STATES = {
    -1: N_("pending"),
    0: N_("delivered"),
    1: N_("read"),
    2: N_("acknowledged"),
}


def family_name(code: str) -> str:
    label = FAMILIES.get(code)
    return _(label) if label else code.replace("_", " ")


def precedence_name(code: str) -> str:
    label = PRECEDENCES.get(code)
    return _(label) if label else code


def precedence_mark(code: str) -> str:
    """``‼ FLASH``, ``! IMMED`` …: a symbol and a short word, never colour alone."""
    short = PREC_SHORT.get(code)
    return f"{PREC_SYMBOL.get(code, '?')} {_(short) if short else code}"


def field_name(code: str) -> str:
    label = FIELDS.get(code)
    return _(label) if label else code.replace("_", " ")


def value_name(value: str) -> str:
    label = VALUES.get(value)
    return _(label) if label else value


def receipt_state(rank: int) -> str:
    return _(STATES.get(rank, STATES[-1]))
