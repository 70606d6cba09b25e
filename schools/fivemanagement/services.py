"""Writing the five-management record of a school and semester."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from schools.models import FiveManagementRecord, School, Semester

RECORD_FIELDS = (
    "sleep_survey_date",
    "primary_pupils_surveyed",
    "primary_pupils_enough_sleep",
    "junior_pupils_surveyed",
    "junior_pupils_enough_sleep",
    "phone_policy",
    "phones_kept_by_school",
    "reading_list_reviewed",
    "reading_reviewed_on",
    "long_break_daily",
    "pe_hour_in_school",
    "note",
)


@transaction.atomic
def five_management_save(
    *, school: School, semester: Semester, fields: Mapping[str, Any], by: Any
) -> FiveManagementRecord:
    """Create or update the school's record for the semester. Sleep figures
    of a level the school does not teach are cleared."""
    record = FiveManagementRecord.objects.filter(school=school, semester=semester).first() or FiveManagementRecord(
        school=school, semester=semester
    )
    for name in RECORD_FIELDS:
        if name in fields:
            setattr(record, name, fields[name])
    grades = school.grades
    if not any(g <= 6 for g in grades):
        record.primary_pupils_surveyed = record.primary_pupils_enough_sleep = None
    if not any(g >= 7 for g in grades):
        record.junior_pupils_surveyed = record.junior_pupils_enough_sleep = None
    record.updated_by = by
    record.full_clean()
    record.save()
    return record
