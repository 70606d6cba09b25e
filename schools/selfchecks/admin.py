from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jianfu.admin_mixins import SchoolScopedAdminMixin
from schools.models import (
    SelfCheck,
    SelfCheckEvent,
    SelfCheckItemResult,
    SelfCheckRound,
)


@admin.register(SelfCheckRound)
class SelfCheckRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "period_kind", "month", "semester", "opens_on", "closes_on")
    list_filter = ("period_kind", "semester")
    search_fields = ("title",)
    date_hierarchy = "opens_on"
    filter_horizontal = ("items", "schools")
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ResultInline(admin.TabularInline):
    model = SelfCheckItemResult
    extra = 0
    fields = ("item_code", "item_title", "result", "explanation")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = SelfCheckEvent
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "by", "comment")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SelfCheck)
class SelfCheckAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("school", "round", "status", "first_submitted_at", "submitted_at", "reviewed_at")
    list_filter = ("status", "round")
    search_fields = ("school__name", "school__code", "round__title")
    list_select_related = ("school", "round")
    fields = (
        "round",
        "school",
        "status",
        "first_submitted_at",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    )
    readonly_fields = fields
    inlines = [ResultInline, EventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
