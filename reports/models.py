"""The reports app's models, defined in their subject packages and
re-exported here so that migrations and ``reports.models`` imports stay put."""

from reports.jobs.models import JobStatus, ReportJob
from reports.modelschools.models import ModelSchoolCandidate, ModelSchoolRound, RoundStatus
from reports.scoring.models import (
    PublishedNotice,
    RunStatus,
    SchemeWeight,
    SchoolScore,
    ScoreRun,
    ScoringScheme,
    VetoConfirmation,
    VetoDecisionState,
    VetoRule,
)

__all__ = [
    "JobStatus",
    "ModelSchoolCandidate",
    "ModelSchoolRound",
    "PublishedNotice",
    "ReportJob",
    "RoundStatus",
    "RunStatus",
    "SchemeWeight",
    "SchoolScore",
    "ScoreRun",
    "ScoringScheme",
    "VetoConfirmation",
    "VetoDecisionState",
    "VetoRule",
]
