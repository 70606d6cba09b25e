"""The reports app's models, defined in their subject packages and
re-exported here so that migrations and ``reports.models`` imports stay put."""

from reports.jobs.models import JobStatus, ReportJob
from reports.scoring.models import SchemeWeight, SchoolScore, ScoreRun, ScoringScheme, VetoRule

__all__ = ["JobStatus", "ReportJob", "SchemeWeight", "SchoolScore", "ScoreRun", "ScoringScheme", "VetoRule"]
