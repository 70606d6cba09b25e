"""Names with CJK Extension B characters (U+20000-2A6DF, e.g. 𠀀 𪚥) come
out of the PDFs as those characters, not as empty boxes: the stylesheet's
fallback font HanaMinB (Debian fonts-hanazono) is embedded for them."""

from __future__ import annotations

import subprocess

import pytest

from reports.exports.base import get_exporter
from reports.scoring.engine import scores_compute
from tests.factories import SchoolFactory
from tests.reports.conftest import publish

pytestmark = pytest.mark.django_db

EXT_B_NAME = "甲𠀀𪚥小学"  # U+20000 and U+2A6A5 (the scheme fixture reads the first character)


def _notice(scheme, tmp_path):  # type: ignore[no-untyped-def]
    for name in (EXT_B_NAME, "乙小学", "丙中学", "丁小学"):
        SchoolFactory(name=name)
    publish(scores_compute(scheme=scheme))  # reports read the published run
    _, _, data = get_exporter("semester_notice_pdf").render({"semester": scheme.semester.pk}, user=None)
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    return path


def test_extension_b_font_is_installed() -> None:
    out = subprocess.run(["fc-list", ":charset=20000 2a6a5", "family"], capture_output=True, text=True, check=True)
    assert "HanaMinB" in out.stdout


def test_extension_b_names_are_embedded_and_come_back_as_text(scheme, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = _notice(scheme, tmp_path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = [line for line in fonts.splitlines() if "HanaMinB" in line]
    # The fallback is embedded (subset, "emb" column "yes") for those glyphs.
    assert lines and all(" yes " in line for line in lines), fonts
    assert any("WenQuanYi" in line for line in fonts.splitlines())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert EXT_B_NAME in text.replace("\n", "")


def test_without_extension_b_the_fallback_is_not_embedded(scheme, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The fallback costs nothing in a document that does not need it."""
    for name in ("甲小学", "乙小学"):
        SchoolFactory(name=name)
    publish(scores_compute(scheme=scheme))  # reports read the published run
    _, _, data = get_exporter("semester_notice_pdf").render({"semester": scheme.semester.pk}, user=None)
    path = tmp_path / "plain.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "HanaMin" not in fonts
