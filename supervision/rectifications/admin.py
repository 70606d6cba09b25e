from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jianfu.admin_mixins import ReadOnlyInline, SchoolScopedAdminMixin
from supervision.models import (
    Rectification,
    RectificationAnswer,
    RectificationEvent,
)
from supervision.visits.admin import DistrictOfSchoolFilter, OverdueFilter


class RectificationEventInline(ReadOnlyInline):
    model = RectificationEvent
    fields = ("at", "action", "from_status", "to_status", "by", "note", "visit")
    readonly_fields = fields


class RectificationAnswerInline(ReadOnlyInline):
    model = RectificationAnswer
    fields = ("at", "by", "plan")
    readonly_fields = fields


@admin.register(Rectification)
class RectificationAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "school", "status", "deadline", "is_overdue_display", "raised_by", "raised_at")
    list_filter = ("status", OverdueFilter, DistrictOfSchoolFilter, "deadline")
    search_fields = ("title", "description", "source_note", "school__name", "school__code")
    date_hierarchy = "deadline"
    list_select_related = ("school", "raised_by")
    readonly_fields = (
        "school",
        "visit",
        "visit_item",
        "title",
        "description",
        "deadline",
        "status",
        "source_note",
        "raised_by",
        "raised_at",
        "closed_by",
        "closed_at",
    )
    fields = readonly_fields
    inlines = [RectificationAnswerInline, RectificationEventInline]

    @admin.display(boolean=True, description=_("overdue"))
    def is_overdue_display(self, obj: Rectification) -> bool:
        return obj.is_overdue

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
