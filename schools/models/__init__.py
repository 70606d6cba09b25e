from .calendar import SchoolYear, Semester, Term
from .import_batches import ImportBatch, ImportKind, ImportStatus
from .register import EducationGroup, GradeEnrolment, Ownership, School, SchoolType

__all__ = [
    "EducationGroup",
    "GradeEnrolment",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "Ownership",
    "School",
    "SchoolType",
    "SchoolYear",
    "Semester",
    "Term",
]
