"""Demo of the register import: a pending upload for the demo bureau
account to open and confirm, adding one school and updating two."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from jianfu.imports import cell_text, to_json
from jianfu.models import User
from schools.models import ImportBatch, School
from schools.register.imports import CODE, DISTRICT, NAME, PHONE, PRINCIPAL, get_importer, schools_with_register_data
from schools.register.services import register_import_preview_rows
from supervision.models import SupervisoryDistrict

DEMO_FILE_NAME = "学校名册更新（演示）.xlsx"


def build_register_import_demo(*, today: datetime.date | None = None) -> ImportBatch | None:
    """Idempotent: does nothing when the demo upload exists already (in
    whatever state the visitor left it) or the demo register is missing."""
    day = today or timezone.localdate()
    bureau = User.objects.filter(username="bureau").first()
    district = SupervisoryDistrict.objects.filter(number=1).first()
    if bureau is None or district is None or ImportBatch.objects.filter(file_name=DEMO_FILE_NAME).exists():
        return None
    importer = get_importer("schools")
    importer.today = day
    schools = list(schools_with_register_data(School.objects.filter(active=True), today=day).order_by("code")[:2])
    if len(schools) < 2:
        return None
    cells: list[dict[str, Any]] = [importer.export_cells(s) for s in schools]
    cells[0][PHONE] = "0573-85020001"
    cells[1][PRINCIPAL] = "沈丽华"
    new: dict[str, Any] = dict.fromkeys(importer.headers, "")
    new.update({CODE: "3133000099", NAME: "示范区新城小学", "学校类型": "小学", "办学性质": "公办"})
    new.update({"镇街": "当湖街道", "地址": "当湖街道新城路88号", PRINCIPAL: "陆明", PHONE: "0573-85020099"})
    new[DISTRICT] = district.name
    for grade, word in enumerate("一二三四五六", start=1):
        new[f"{word}年级班数"] = 2
        new[f"{word}年级学生数"] = 80 + grade
    cells.append(new)
    rows = [
        {"row": n, "values": {h: to_json(c.get(h)) if cell_text(c.get(h)) else None for h in importer.headers}}
        for n, c in enumerate(cells, start=2)
    ]
    return register_import_preview_rows(kind="schools", rows=rows, by=bureau, file_name=DEMO_FILE_NAME, today=day).batch
