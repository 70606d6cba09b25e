"""The PDF renderer reads only the portal's static files and renders Chinese."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from reports.exports.pdf import BASE_URL, FetchRefusedError, StaticOnlyFetcher, html_to_pdf, static_path_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:8000/admin/",
        "https://example.com/x.png",
        BASE_URL + "static/../jianfu/settings/base.py",
        BASE_URL + "media/reports/x.pdf",
        BASE_URL + "static/",
    ],
)
def test_fetcher_refuses_anything_but_static(url: str) -> None:
    with pytest.raises(FetchRefusedError):
        static_path_for(url)


def test_fetcher_serves_static_css() -> None:
    response = StaticOnlyFetcher().fetch(BASE_URL + "static/reports/pdf.css")
    assert b"@page" in response.read()


def test_document_with_hostile_urls_renders_without_reading_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    html = (
        f'<link rel="stylesheet" href="file://{secret}">'
        f'<img src="file://{secret}"><iframe src="file:///etc/passwd"></iframe>'
        '<object data="file:///etc/passwd"></object>'
        "<p>减负督导 通报</p>"
    )
    pdf = html_to_pdf(html)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "TOPSECRET" not in text and "root:" not in text
    assert "减负督导" in text


def test_roster_pdf_text_is_chinese_and_user_text_escaped(world) -> None:  # type: ignore[no-untyped-def]
    from reports.exports.base import get_exporter

    world.school_a.name = '<img src="file:///etc/passwd">甲小学'
    world.school_a.save()
    name, mimetype, data = get_exporter("supervisor_sign_roster_pdf").render({}, user=world.bureau)
    assert mimetype == "application/pdf" and name.endswith(".pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "责任督学" in text
    assert "第一责任区" in text and "督学甲" in text
    assert '<img src="file:///etc/passwd">甲小学' in text.replace("\n", "")
