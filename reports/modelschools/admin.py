from __future__ import annotations

from django.contrib import admin

from reports.jobs.admin import ReadOnlyAdmin
from reports.models import ModelSchoolCandidate, ModelSchoolRound


@admin.register(ModelSchoolRound)
class ModelSchoolRoundAdmin(ReadOnlyAdmin):
    list_display = ("school_year", "title", "status", "publicity_start", "publicity_end")


@admin.register(ModelSchoolCandidate)
class ModelSchoolCandidateAdmin(ReadOnlyAdmin):
    list_display = ("round", "school", "proposed", "included")
    list_filter = ("round", "included")
