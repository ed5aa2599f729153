"""Choosing the officer's language, and words, dates and numbers in it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hotline.client.console.render import inbox_cells
from hotline.client.i18n import (
    _,
    choose_language,
    family_name,
    fmt_date,
    fmt_number,
    fmt_span,
    language_from_env,
    precedence_mark,
    use,
    verdict_text,
)
from hotline.protocol.policy import Verdict
from tests.client.console.seed import T


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    use("en")


def test_flag_then_officer_then_home_then_lang() -> None:
    cfg = {"console": {"lang": "hr", "devices": {"RS/officer-1": {"lang": "sr-Cyrl"}}}}
    env = {"LANG": "sq_AL.UTF-8"}
    assert choose_language("mk", cfg, "RS/officer-1", env) == "mk"
    assert choose_language(None, cfg, "RS/officer-1", env) == "sr-Cyrl"
    assert choose_language(None, cfg, "HR/officer-1", env) == "hr"
    assert choose_language(None, {}, "HR/officer-1", env) == "sq"
    assert choose_language(None, {}, "HR/officer-1", {}) == "en"
    with pytest.raises(ValueError, match="unknown language"):
        choose_language("xx", {}, "HR", {})


@pytest.mark.parametrize(
    ("value", "lang"),
    [
        ("sr_RS.UTF-8", "sr-Cyrl"),
        ("sr_RS.UTF-8@latin", "sr-Latn"),
        ("sr_ME.UTF-8", "cnr"),
        ("hr_HR.UTF-8", "hr"),
        ("bs_BA", "bs"),
        ("mk_MK.UTF-8", "mk"),
        ("C.UTF-8", None),
        ("de_DE.UTF-8", None),
    ],
)
def test_lang_from_the_environment(value: str, lang: str | None) -> None:
    assert language_from_env({"LANG": value}) == lang


def test_labels_verdicts_and_formats_follow_the_language() -> None:
    v = Verdict("regional-2026", True, ("troops 1,200 ≥ 1,000",), due_ms=T, late=True)
    use("hr")
    assert family_name("drone_flight") == "Let bespilotne letjelice"
    assert precedence_mark("IMMEDIATE") == "! HITNO"
    assert verdict_text(v).startswith("podliježe obavješćivanju prema regional-2026 (vojnici 1.200")
    assert "KASNI" in verdict_text(v)
    assert fmt_number(25000) == "25.000" and fmt_date("2026-11-22") == "22. stu 2026."
    use("sr-Cyrl")
    assert family_name("cyber_incident") == "Сајбер инцидент"
    assert _("Open") == "Отвори"
    assert "мин" in fmt_span(300)
    use("sq")
    assert fmt_number(25000) == "25\xa0000"  # CLDR: a no-break space
    use("en")
    assert verdict_text(v).startswith("notifiable under regional-2026 (troops 1,200 ≥ 1,000)")


def test_free_text_is_shown_as_sent_with_its_tag() -> None:
    from hotline.client.console.render import field_lines

    use("mk")
    lines = field_lines({"text": "Neidentificirani zrakoplov", "lang": "hr"})
    assert lines == [f"{'текст':>24}: [hr] Neidentificirani zrakoplov"]


def test_inbox_row_in_macedonian(home: object) -> None:
    from hotline.client.store import InboxRow

    use("mk")
    m = InboxRow("0190c1a4-0000-7000-8000-000000000001", "RS", "RS/officer-1",
                 "military_activity", "FLASH", True, T, T, {"name": "Вежба"}, ["MK"],
                 None, None, True, None, 1, -1)  # fmt: skip
    cells = inbox_cells(m, 30, overdue=True)
    assert cells[0] == "‼ МОЛЊ" or cells[0].startswith("‼")
    assert cells[3] == "ВЕЖБА Воена активност" and cells[5] == "⏰ НОВО"
