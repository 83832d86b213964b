"""Every portal string has a Romanian translation, with the correct (comma-below) diacritics.

The msgids are extracted afresh from the portal's code and templates (Django's makemessages
into a scratch directory), so a new untranslated string fails here before it reaches anyone.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from micropim_privacy.policy import CATEGORIES, Basis
from portal.texts import REGISTRY_STRINGS

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locale" / "ro" / "LC_MESSAGES" / "django.po"
CEDILLA = "şţŞŢ"  # the wrong forms: Romanian uses comma-below ș ț Ș Ț


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    return polib.pofile(str(CATALOG))


def _translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return all(entry.msgstr_plural.get(i) for i in range(3))
    return bool(entry.msgstr)


def test_every_string_in_the_portals_code_and_templates_is_translated(tmp_path: Path, catalog) -> None:  # type: ignore[no-untyped-def]
    shutil.copytree(ROOT / "portal", tmp_path / "portal", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates" / "portal", tmp_path / "templates" / "portal")
    (tmp_path / "locale").mkdir()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "ro", "--no-location"],
                   cwd=tmp_path, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                        "DJANGO_SETTINGS_MODULE": "micropim_privacy.settings.test"})
    used = polib.pofile(str(tmp_path / "locale" / "ro" / "LC_MESSAGES" / "django.po"))
    translations = {e.msgid: e for e in catalog}
    missing = [e.msgid for e in used if e.msgid not in translations or not _translated(translations[e.msgid])]
    assert not missing, f"untranslated in {CATALOG.relative_to(ROOT)}: {missing}"


def test_every_registry_string_is_declared_for_translation() -> None:
    shown = {text for c in CATEGORIES for text in (c.name, c.data, c.purpose, c.retention_text, c.source)}
    shown |= {b.label for b in Basis}
    assert shown <= set(REGISTRY_STRINGS), sorted(shown - set(REGISTRY_STRINGS))


def test_the_catalog_has_no_fuzzy_empty_or_cedilla_entries(catalog) -> None:  # type: ignore[no-untyped-def]
    assert not catalog.metadata_is_fuzzy
    for entry in catalog:
        assert _translated(entry), entry.msgid
        text = entry.msgstr + "".join(entry.msgstr_plural.values())
        assert not set(text) & set(CEDILLA), entry.msgid


def test_placeholders_survive_translation(catalog) -> None:  # type: ignore[no-untyped-def]
    import re

    for entry in catalog:
        wanted = set(re.findall(r"%\(\w+\)s", entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()] if entry.msgid_plural else [entry.msgstr]:
            assert set(re.findall(r"%\(\w+\)s", text)) == wanted or (entry.msgid_plural and not text), entry.msgid


def test_the_emails_the_portal_sends_exist_in_both_languages() -> None:
    for lang in ("en", "ro"):
        text = (ROOT / "templates" / "emails" / f"portal_signin_link.{lang}.txt").read_text()
        assert "{{ signin_url }}" in text
        assert not set(text) & set(CEDILLA)
