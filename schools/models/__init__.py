from .calendar import SchoolYear, Semester, Term
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
    "EducationGroup",
    "GradeEnrolment",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "Ownership",
    "PeriodKind",
    "PledgeReminder",
    "PledgeText",
    "RoundState",
    "School",
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
    "Term",
]
