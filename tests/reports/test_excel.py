from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jianfu.xlsx import Column, Sheet, neutralise, write_workbook
from reports.exports.base import get_exporter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", '=HYPERLINK("http://x","点我")'])
def test_formula_like_text_is_neutralised(value: str) -> None:
    data = write_workbook([Sheet("s", [Column("名称")], [[value]])])
    ws = load_workbook(io.BytesIO(data)).active
    cell = ws["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + value
    assert neutralise(42) == 42 and neutralise("正常") == "正常"


def test_roster_workbook_cell_by_cell(world) -> None:  # type: ignore[no-untyped-def]
    world.school_a.name = '=HYPERLINK("http://evil","甲")'
    world.school_a.save()
    with __import__("django.utils.translation", fromlist=["override"]).override("zh-hans"):
        _, _, data = get_exporter("district_roster_xlsx").render({}, user=world.bureau)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["学校", "督学"]
    ws = wb["学校"]
    assert ws.freeze_panes == "A3"
    assert [c.value for c in ws[2]] == ["责任区", "学校标识码", "学校", "学校类型", "镇街", "责任督学", "电话"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    a = rows[world.school_a.code]
    assert a[0] == "第一责任区"
    assert a[2] == '\'=HYPERLINK("http://evil","甲")'
    assert a[5] == "督学甲"
    assert rows[world.school_b.code][5] == "督学乙"
    sups = wb["督学"]
    assert [r[1] for r in sups.iter_rows(min_row=3, values_only=True)] == ["督学甲", "督学乙"]
    assert ws.column_dimensions["C"].width == 26


def test_number_formats_dates_and_types_survive_the_fast_path() -> None:
    import datetime
    from decimal import Decimal

    rows = [
        [1, 0.5, Decimal("80.25"), datetime.date(2026, 11, 24), True, None, "=x"],
        [2, 0.25, Decimal("70"), datetime.datetime(2026, 11, 24, 8, 30), False, "文本", "-1"],
    ]
    columns = [
        Column("名次"),
        Column("比例", number_format="0.0%"),
        Column("得分", number_format="0.00"),
        Column("日期"),
        Column("是否"),
        Column("空"),
        Column("文本"),
    ]
    ws = load_workbook(io.BytesIO(write_workbook([Sheet("s", columns, rows)]))).active
    assert [c.value for c in ws[2]] == [1, 0.5, 80.25, datetime.datetime(2026, 11, 24), True, None, "'=x"]
    assert ws["B2"].number_format == "0.0%" and ws["B3"].number_format == "0.0%"
    assert ws["C2"].number_format == "0.00" and ws["C3"].value == 70
    assert ws["A2"].number_format == "General"
    assert ws["D2"].number_format == "yyyy-mm-dd" and ws["D3"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["G3"].value == "'-1"
