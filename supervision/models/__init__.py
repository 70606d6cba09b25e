from .districts import DistrictMembership, SupervisoryDistrict
from .supervisors import Supervisor, SupervisorAssignment, SupervisorKind

__all__ = [
    "DistrictMembership",
    "Supervisor",
    "SupervisorAssignment",
    "SupervisorKind",
    "SupervisoryDistrict",
]
