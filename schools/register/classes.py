"""Classes derived from the register's enrolment counts."""

from __future__ import annotations

from django.db import transaction

from jianfu.audit import audit_bulk_created, audit_bulk_update
from schools.models import GradeEnrolment, School, SchoolClass


@transaction.atomic
def school_classes_sync(*, school: School) -> list[SchoolClass]:
    """Make the school's active classes match its ``GradeEnrolment`` counts:
    grade g with n classes has classes 1..n. Missing classes are created,
    classes beyond the count are deactivated (never deleted: their homework
    records stay), returning ones are reactivated. Safe to run any number of
    times; a fixed number of queries. Returns the active classes."""
    wanted = {
        (grade, number)
        for grade, count in GradeEnrolment.objects.filter(school=school).values_list("grade", "classes")
        if grade in school.grades
        for number in range(1, count + 1)
    }
    existing = {(c.grade, c.number): c for c in SchoolClass.objects.filter(school=school)}
    missing = [SchoolClass(school=school, grade=g, number=n) for g, n in sorted(wanted - existing.keys())]
    if missing:
        audit_bulk_created(SchoolClass.objects.bulk_create(missing))
    retire = [c.pk for key, c in existing.items() if c.active and key not in wanted]
    revive = [c.pk for key, c in existing.items() if not c.active and key in wanted]
    if retire:
        audit_bulk_update(SchoolClass.objects.filter(pk__in=retire), active=False)
    if revive:
        audit_bulk_update(SchoolClass.objects.filter(pk__in=revive), active=True)
    if missing or retire or revive:
        return list(SchoolClass.objects.filter(school=school, active=True).order_by("grade", "number"))
    return sorted((c for c in existing.values() if c.active), key=lambda c: (c.grade, c.number))
