from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_pages_carry_a_csp_without_inline_script(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(f"/schools/{world.school_a.code}/")
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_script() -> None:
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        text = template.read_text()
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            assert "src=" in head or "application/json" in head, f"inline script in {template}"
        assert " onclick=" not in text and " onload=" not in text, template


def test_interface_defaults_to_chinese(world) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/accounts/login/")
    assert '<html lang="zh-hans">' in response.content.decode()
    assert "登录" in response.content.decode()


def test_english_is_available(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Sign in" in client.get("/accounts/login/").content.decode()


def test_translation_catalogue_is_complete() -> None:
    import polib

    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100


def test_django_messages_all_read_in_chinese() -> None:
    """Every message of Django's own zh_Hans catalogue comes out in Chinese:
    those it leaves untranslated are translated by the portal's catalogue."""
    import polib
    from django.conf import locale as django_locale
    from django.utils import translation

    django_po = Path(django_locale.__file__).parent / "zh_Hans" / "LC_MESSAGES" / "django.po"
    untranslated = [e for e in polib.pofile(str(django_po)).untranslated_entries() if not e.msgid_plural]
    with translation.override("zh-hans"):
        english = [
            e.msgid
            for e in untranslated
            if (translation.pgettext(e.msgctxt, e.msgid) if e.msgctxt else translation.gettext(e.msgid)) == e.msgid
        ]
    assert english == []


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path: Path) -> None:
    """makemessages over the source must not find a message id the catalogue
    lacks: a new string without its translation fails here."""
    import shutil

    import polib

    root = Path(settings.BASE_DIR)
    work = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", ".git", "test-artifacts", "media", "staticfiles", "static", "*.mo")
    shutil.copytree(root, work, ignore=ignore)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "-v0",
            "--ignore=bench",
            "--ignore=tests",
        ],
        cwd=work,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jianfu.settings.test"},
    )
    fresh = polib.pofile(str(work / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = sorted(e.msgid for e in fresh.untranslated_entries())
    assert missing == [], f"untranslated message ids: {missing[:10]}"


def test_the_administration_s_own_words_read_in_chinese() -> None:
    """Every message the administration's templates translate has Chinese:
    its zh_Hans catalogue lacks a few newer ones (the index's headings for
    screen readers among them), which the portal's catalogue gives."""
    import re

    import django.contrib.admin
    from django.utils import translation

    templates = Path(django.contrib.admin.__file__).parent / "templates"
    ids = set()
    for template in templates.rglob("*.html"):
        for found in re.finditer(r"\{% (?:translate|trans) ['\"](.+?)['\"]", template.read_text()):
            ids.add(found.group(1))
    with translation.override("zh-hans"):
        english = sorted(i for i in ids if translation.gettext(i) == i)
    assert english == []
