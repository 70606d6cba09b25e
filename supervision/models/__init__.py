from .checklist import SupervisionItem
from .districts import DistrictMembership, SupervisoryDistrict
from .supervisors import Supervisor, SupervisorAssignment, SupervisorKind

__all__ = [
    "DistrictMembership",
    "SupervisionItem",
    "Supervisor",
    "SupervisorAssignment",
    "SupervisorKind",
    "SupervisoryDistrict",
]
