"""Questionnaires are data the bureau edits here; a version used by a round
is frozen (read-only), and "make a new version" copies it for editing.
Rounds are set up on the survey pages; responses are never shown here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Question, Questionnaire, SurveyRound
from .services import questionnaire_new_version


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = (
        "order",
        "kind",
        "text",
        "help_text",
        "choices",
        "unit",
        "minimum",
        "maximum",
        "required",
        "rule",
        "flag_choices",
        "exclusive_choices",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and not (obj and obj.in_use)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and not (obj and obj.in_use)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.in_use)


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "version", "audience", "grade_from", "grade_to", "active")
    list_filter = ("audience", "active")
    search_fields = ("title", "key")
    inlines = [QuestionInline]
    actions = ["new_version"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.in_use:
            return ("key", "version", "title", "audience", "grade_from", "grade_to", "ask_class", "intro")
        return ("version",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.in_use)

    @admin.action(description=_("Make a new version to edit"))
    def new_version(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        for questionnaire in queryset:
            copy = questionnaire_new_version(questionnaire=questionnaire)
            self.message_user(request, gettext("Made %(q)s.") % {"q": copy}, messages.SUCCESS)


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ("name", "questionnaire", "opens_on", "closes_on", "closed_at")
    readonly_fields = ("questionnaire", "grades", "created_by", "created_at", "closed_at")
    fields = ("name", "questionnaire", "grades", "opens_on", "closes_on", "closed_at", "created_by", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rounds are opened on the survey pages, with their schools
