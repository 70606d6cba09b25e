"""Reading five-management records and checking them."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from schools.afterschool.selectors import Check
from schools.models import FiveManagementRecord, School, Semester


def five_management_record_of(*, school: School, semester: Semester) -> FiveManagementRecord | None:
    return FiveManagementRecord.objects.filter(school=school, semester=semester).first()


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def five_management_checks(*, record: FiveManagementRecord, school: School) -> list[Check]:
    checks: list[Check] = []
    if any(g <= 6 for g in school.grades):
        checks.append(
            Check(
                str(
                    _("Primary pupils sleeping %(h)s hours (share from the survey)")
                    % {"h": settings.SLEEP_HOURS_PRIMARY}
                ),
                record.primary_sleep_share is not None,
                _percent(record.primary_sleep_share),
            )
        )
    if any(g >= 7 for g in school.grades):
        checks.append(
            Check(
                str(
                    _("Junior pupils sleeping %(h)s hours (share from the survey)") % {"h": settings.SLEEP_HOURS_JUNIOR}
                ),
                record.junior_sleep_share is not None,
                _percent(record.junior_sleep_share),
            )
        )
    checks += [
        Check(str(_("Phone policy in place")), record.phone_policy),
        Check(str(_("Phones kept by the school")), record.phones_kept_by_school),
        Check(str(_("Reading list reviewed")), record.reading_list_reviewed),
        Check(str(_("30-minute long break every day")), record.long_break_daily),
        Check(str(_("One hour of physical activity a day in school")), record.pe_hour_in_school),
    ]
    return checks
