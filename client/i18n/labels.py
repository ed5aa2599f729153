"""Names a person reads for the catalogue's codes: families, precedences, fields, values.

Codes travel on the wire in English (``military_activity``, ``FLASH``); what an officer
reads is translated here. Unknown codes (a family added later) are shown readably as they
are, never hidden.
"""

from __future__ import annotations

from .core import N_, _

__all__ = [
    "category_name",
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
    "inspection_request": N_("Inspection request"),
    "inspection_response": N_("Inspection response"),
    "inspection_report": N_("Inspection report"),
    "evaluation_visit_request": N_("Evaluation visit request"),
    "evaluation_visit_response": N_("Evaluation visit response"),
    "annual_calendar": N_("Annual calendar"),
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
    "activities": N_("planned activities"),
    "activity": N_("activity"),
    "acv": N_("armoured vehicles"),
    "affected_systems": N_("affected systems"),
    "air_participation": N_("air participation"),
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
    "conclusion": N_("conclusion"),
    "contract_date": N_("contract date"),
    "device": N_("device"),
    "decision": N_("decision"),
    "delivery_date": N_("delivery date"),
    "detected_at": N_("detected at"),
    "direction": N_("direction"),
    "drones": N_("drones"),
    "end": N_("end"),
    "evaluated": N_("evaluated party"),
    "evaluating": N_("evaluating party"),
    "findings": N_("findings"),
    "flight_id": N_("flight id"),
    "formation": N_("formation"),
    "grounds": N_("grounds"),
    "holdings": N_("holdings"),
    "indicators": N_("indicators"),
    "inspected": N_("inspected party"),
    "inspecting": N_("inspecting party"),
    "kind": N_("kind"),
    "lang": N_("language"),
    "live_fire": N_("live fire"),
    "location": N_("location"),
    "name": N_("name"),
    "names": N_("names"),
    "note": N_("note"),
    "observers": N_("observers"),
    "observers_invited": N_("observers invited"),
    "operator": N_("operator"),
    "organisation": N_("organisation"),
    "party": N_("party"),
    "personnel": N_("personnel"),
    "place": N_("place"),
    "point_of_entry": N_("point of entry"),
    "purpose": N_("purpose"),
    "quantity": N_("quantity"),
    "question": N_("question"),
    "reason": N_("reason"),
    "remarks": N_("remarks"),
    "reply": N_("reply requested"),
    "request": N_("request"),
    "role": N_("role"),
    "scheduled": N_("in the Commission schedule"),
    "sector": N_("sector"),
    "severity": N_("severity"),
    "signature": N_("signature"),
    "signatures": N_("signatures"),
    "start": N_("start"),
    "status": N_("status"),
    "subject": N_("subject"),
    "summary": N_("summary"),
    "supplier": N_("supplier"),
    "suspected_origin": N_("suspected origin"),
    "system": N_("system"),
    "team": N_("team"),
    "text": N_("text"),
    "tlp": N_("TLP"),
    "troops": N_("troops"),
    "uav_type": N_("UAV type"),
    "unit": N_("unit"),
    "units": N_("units"),
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
    "transfer": N_("transfer"),
    "concentration": N_("concentration"),
    # §40.1.1's formation condition
    "division": N_("divisional structure"),
    "two_brigades": N_("two brigades/regiments"),
    "brigade": N_("brigade"),
    "battalion": N_("battalion"),
    "other": N_("other"),
    # answers to inspection and evaluation visit requests, and reports
    "accept": N_("accept"),
    "refuse": N_("refuse"),
    "propose_dates": N_("propose other dates"),
    "consistent": N_("consistent"),
    "inconsistent": N_("inconsistent"),
    "inconclusive": N_("inconclusive"),
    # team members' roles
    "inspector": N_("inspector"),
    "officer": N_("officer"),
    "interpreter": N_("interpreter"),
    "auxiliary": N_("auxiliary staff"),
    # arms register categories that are not also field names (battle_tanks, acv, artillery are)
    "combat_aircraft": N_("combat aircraft"),
    "attack_helicopters": N_("attack helicopters"),
    "armed_uav": N_("armed UAVs"),
    "loitering_munitions": N_("loitering munitions"),
    "air_defence": N_("air defence systems"),
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


def category_name(code: str) -> str:
    """An arms register category: a value label, or the field of the same name."""
    label = VALUES.get(code) or FIELDS.get(code)
    return _(label) if label else code.replace("_", " ")


def receipt_state(rank: int) -> str:
    return _(STATES.get(rank, STATES[-1]))
