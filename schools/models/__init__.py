from .afterschool import AfterSchoolContent, AfterSchoolDay, AfterSchoolPlan, FeePolicy
from .calendar import SchoolYear, Semester, Term
from .five_management import FiveManagementRecord
from .homework import HomeworkDay, HomeworkItem, HomeworkKind, HomeworkPublication, SchoolClass, Subject
from .register import EducationGroup, GradeEnrolment, Ownership, School, SchoolType

__all__ = [
    "AfterSchoolContent",
    "AfterSchoolDay",
    "AfterSchoolPlan",
    "EducationGroup",
    "FeePolicy",
    "FiveManagementRecord",
    "GradeEnrolment",
    "HomeworkDay",
    "HomeworkItem",
    "HomeworkKind",
    "HomeworkPublication",
    "Ownership",
    "School",
    "SchoolClass",
    "SchoolType",
    "SchoolYear",
    "Semester",
    "Subject",
    "Term",
]
