from .calendar import SchoolYear, Semester, Term
from .register import EducationGroup, GradeEnrolment, Ownership, School, SchoolType

__all__ = [
    "EducationGroup",
    "GradeEnrolment",
    "Ownership",
    "School",
    "SchoolType",
    "SchoolYear",
    "Semester",
    "Term",
]
