from .afterschool import AfterSchoolContent, AfterSchoolDay, AfterSchoolPlan, FeePolicy
from .calendar import SchoolYear, Semester, Term
from .five_management import FiveManagementRecord
from .homework import HomeworkDay, HomeworkItem, HomeworkKind, HomeworkPublication, SchoolClass, Subject
from .import_batches import ImportBatch, ImportKind, ImportStatus
from .pledges import PledgeReminder, PledgeText, SchoolPledge
from .register import EducationGroup, GradeEnrolment, Ownership, School, SchoolType
from .selfchecks import (
    PeriodKind,
    RoundState,
    SelfCheck,
    SelfCheckAction,
    SelfCheckEvent,
    SelfCheckEvidence,
    SelfCheckItemResult,
    SelfCheckRound,
    SelfCheckStatus,
)

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
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "Ownership",
    "PeriodKind",
    "PledgeReminder",
    "PledgeText",
    "RoundState",
    "School",
    "SchoolClass",
    "SchoolPledge",
    "SchoolType",
    "SchoolYear",
    "SelfCheck",
    "SelfCheckAction",
    "SelfCheckEvent",
    "SelfCheckEvidence",
    "SelfCheckItemResult",
    "SelfCheckRound",
    "SelfCheckStatus",
    "Semester",
    "Subject",
    "Term",
]
