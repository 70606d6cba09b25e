"""Helpers of the register import and export tests: factories and
workbooks built the way a clerk's spreadsheet would be."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from schools.models import EducationGroup
from schools.register.imports import get_importer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class EducationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EducationGroup

    name = factory.Sequence(lambda n: f"教育集团{n}")


def school_cells(**overrides: Any) -> dict[str, Any]:
    """A good row of the schools template (a primary school, grades 1-6)."""
    cells: dict[str, Any] = {
        "学校标识码": "3133990001",
        "学校名称": "新建实验小学",
        "学校类型": "小学",
        "办学性质": "公办",
        "镇街": "当湖街道",
        "地址": "当湖街道建设路1号",
        "校长": "王建国",
        "联系电话": "0573-85012345",
        "督学责任区": "第一责任区",
        "教育集团": None,
    }
    for grade, word in enumerate("一二三四五六", start=1):
        cells[f"{word}年级班数"] = 4
        cells[f"{word}年级学生数"] = 160 + grade
    cells.update(overrides)
    return cells


def supervisor_cells(**overrides: Any) -> dict[str, Any]:
    cells: dict[str, Any] = {
        "姓名": "赵明",
        "类别": "兼职",
        "联系电话": "13900001111",
        "工作单位": "示范区教师发展中心",
        "职务": "教研员",
        "督学责任区": "第一责任区",
        "是否组长": "否",
        "任期开始": "2024-09-01",
        "任期结束": "2027-08-31",
        "登录账号": None,
    }
    cells.update(overrides)
    return cells


def workbook_bytes(kind: str, rows: Sequence[Mapping[str, Any]], *, headers: Sequence[str] | None = None) -> bytes:
    """A workbook with the template's headers (or ``headers``) and rows."""
    heads = list(headers or get_importer(kind).headers)
    wb = Workbook()
    ws = wb.active
    ws.append(heads)
    for row in rows:
        ws.append([row.get(h) for h in heads])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(
    kind: str, rows: Sequence[Mapping[str, Any]], *, name: str = "名册.xlsx", **kwargs: Any
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(kind, rows, **kwargs), content_type=XLSX)


def sheet_rows(data: bytes, sheet: int = 0) -> list[list[Any]]:
    ws = load_workbook(io.BytesIO(data)).worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def as_dicts(data: bytes) -> list[dict[str, Any]]:
    rows = sheet_rows(data)
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
