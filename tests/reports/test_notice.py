from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from reports.exports.base import get_exporter
from reports.models import VetoRule
from reports.scoring.engine import scores_compute
from tests.factories import SchoolFactory
from tests.reports.conftest import publish

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


@pytest.fixture
def schools(scheme):  # type: ignore[no-untyped-def]
    a = SchoolFactory(name="甲小学")
    b = SchoolFactory(name="乙小学")
    c = SchoolFactory(name="丙中学<b>")
    d = SchoolFactory(name="丁小学")
    VetoRule.objects.create(name="有偿家教", kind="test_veto", params={"school": d.pk})
    publish(scores_compute(scheme=scheme))  # reports read the published run
    return a, b, c, d


def test_notice_pdf_carries_the_chinese_summary_and_tables(scheme, schools) -> None:  # type: ignore[no-untyped-def]
    params = {"semester": scheme.semester.pk, "document_number": "示教督〔2026〕12号", "commend": 1, "criticise": 1}
    name, mimetype, data = get_exporter("semester_notice_pdf").render(params, user=None)
    assert mimetype == "application/pdf" and name.startswith("学期通报")
    text = pdf_text(data)
    assert "示范区教育局" in text and "示教督〔2026〕12号" in text
    assert "关于2026-2027学年 第一学期减负工作督查情况的通报" in text
    assert "表扬学校甲小学。" in text  # the best score (80)
    assert "通报批评学校" in text and "丁小学" in text and "一票否决：有偿家教：有偿家教查实" in text
    assert "丙中学<b>" in text  # the lowest score, named as written, not as markup
    assert "得分居后（0.00 分，满分 100 分）" in text
    assert "名次 学校 学校类型 责任区 得分 备注" in text  # the ranking table's header
    assert "4 丁小学 小学 80.00 一票否决" in text  # vetoed: last, whatever its score
    assert "第 1 页" in text


def test_leadership_report_is_its_own_layout(scheme, schools) -> None:  # type: ignore[no-untyped-def]
    _, _, data = get_exporter("leadership_report_pdf").render({"semester": scheme.semester.pk}, user=None)
    text = pdf_text(data)
    assert "减负工作督查报告" in text and "督导室 呈局领导" in text
    assert "建议表扬学校" in text and "需关注学校" in text
    assert "得分分布" in text  # the score section's chart title, drawn as SVG text
