"""Every message id the client's code uses is translated in every catalogue; the
compiled .mo files match their .po sources; each catalogue is marked a draft."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from hotline.client.i18n import LANGUAGES, LOCALE_DIR

CLIENT = Path(LOCALE_DIR).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
FOLDERS = [folder for folder, _babel in LANGUAGES.values()]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _ids_in_code() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(CLIENT), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))  # type: ignore[arg-type]
    return found


def _t(x: object) -> object:
    return tuple(x) if isinstance(x, list | tuple) else x


def _catalogue(folder: str, kind: str = "po"):  # type: ignore[no-untyped-def]
    path = LOCALE_DIR / folder / "LC_MESSAGES" / f"hotline.{kind}"
    with path.open("rb") as f:
        return read_po(f) if kind == "po" else read_mo(f)


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_message_id_is_translated(folder: str) -> None:
    cat = _catalogue(folder)
    have = {m.id: m.string for m in cat if m.id}
    for mid in sorted(_ids_in_code(), key=str):
        key = mid[0] if isinstance(mid, tuple) else mid
        assert any((k[0] if isinstance(k, tuple) else k) == key for k in have), (
            f"{folder}: {mid!r} is missing: run scripts/i18n.sh and translate it"
        )
    for mid, text in have.items():
        forms = text if isinstance(text, tuple) else (text,)
        assert all(forms), f"{folder}: {mid!r} has no translation"
        want = set(PLACEHOLDER.findall(mid if isinstance(mid, str) else mid[1]))
        for form in forms:
            assert set(PLACEHOLDER.findall(form)) == want, f"{folder}: placeholders of {mid!r}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_compiled_catalogue_matches_its_source(folder: str) -> None:
    po = {_t(m.id): _t(m.string) for m in _catalogue(folder) if m.id}
    mo = {_t(m.id): _t(m.string) for m in _catalogue(folder, "mo") if m.id}
    assert mo == po, f"{folder}: the .mo is stale: run scripts/i18n.sh compile"


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_catalogue_says_it_is_a_draft(folder: str) -> None:
    head = (LOCALE_DIR / folder / "LC_MESSAGES" / "hotline.po").read_text("utf-8")[:600]
    assert "DRAFT" in head and "review by native speakers" in head


def _calls_in_fstrings(tree: ast.AST) -> list[int]:
    """Lines where ``_()``/``ngettext()`` sits inside an f-string: Babel never extracts it."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Name)
                    and inner.func.id in ("_", "ngettext")
                    and inner.args
                    and isinstance(inner.args[0], ast.Constant)
                ):
                    out.append(inner.lineno)
    return out


def test_no_message_id_hides_inside_an_f_string() -> None:
    hidden = {
        str(path.relative_to(CLIENT)): lines
        for path in sorted(CLIENT.rglob("*.py"))
        if (lines := _calls_in_fstrings(ast.parse(path.read_text("utf-8"))))
    }
    assert hidden == {}, f"move these _() calls out of their f-strings: {hidden}"
