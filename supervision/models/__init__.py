from .checklist import ItemResult, SupervisionItem
from .districts import DistrictMembership, SupervisoryDistrict
from .supervisors import Supervisor, SupervisorAssignment, SupervisorKind

__all__ = [
    "DistrictMembership",
    "ItemResult",
    "SupervisionItem",
    "Supervisor",
    "SupervisorAssignment",
    "SupervisorKind",
    "SupervisoryDistrict",
]
