from schools.afterschool.models import AfterSchoolContent, AfterSchoolDay, AfterSchoolPlan, FeePolicy
from schools.calendar.models import SchoolYear, Semester, Term
from schools.fivemanagement.models import FiveManagementRecord
from schools.homework.models import HomeworkDay, HomeworkItem, HomeworkKind, HomeworkPublication, SchoolClass, Subject
from schools.pledges.models import PledgeReminder, PledgeText, SchoolPledge
from schools.register.models import (
    EducationGroup,
    GradeEnrolment,
    ImportBatch,
    ImportKind,
    ImportStatus,
    Ownership,
    School,
    SchoolType,
)
from schools.selfchecks.models import (
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
