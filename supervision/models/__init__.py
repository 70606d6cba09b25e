from .checklist import ItemResult, SupervisionItem
from .districts import DistrictMembership, SupervisoryDistrict
from .rectifications import (
    EvidenceKind,
    OverdueDigest,
    Rectification,
    RectificationAction,
    RectificationAnswer,
    RectificationEvent,
    RectificationEvidence,
    RectificationStatus,
)
from .supervisors import Supervisor, SupervisorAssignment, SupervisorKind
from .visits import Visit, VisitAmendment, VisitItemResult, VisitKind, VisitMethod, VisitMode, VisitPhoto

__all__ = [
    "DistrictMembership",
    "EvidenceKind",
    "ItemResult",
    "OverdueDigest",
    "Rectification",
    "RectificationAction",
    "RectificationAnswer",
    "RectificationEvent",
    "RectificationEvidence",
    "RectificationStatus",
    "SupervisionItem",
    "Supervisor",
    "SupervisorAssignment",
    "SupervisorKind",
    "SupervisoryDistrict",
    "Visit",
    "VisitAmendment",
    "VisitItemResult",
    "VisitKind",
    "VisitMethod",
    "VisitMode",
    "VisitPhoto",
]
