from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jianfu.admin_mixins import ReadOnlyInline, SchoolScopedAdminMixin
from supervision.models import (
    DistrictMembership,
    Rectification,
    SupervisoryDistrict,
    Visit,
    VisitAmendment,
    VisitItemResult,
    VisitPhoto,
)


class VisitItemResultInline(ReadOnlyInline):
    model = VisitItemResult
    fields = ("item_code", "item_title", "result", "note")
    readonly_fields = fields


class VisitPhotoInline(ReadOnlyInline):
    model = VisitPhoto
    fields = ("uploaded_at", "size", "width", "height")
    readonly_fields = fields


class VisitAmendmentInline(ReadOnlyInline):
    model = VisitAmendment
    fields = ("at", "by", "reason", "changes")
    readonly_fields = fields


class DistrictOfSchoolFilter(admin.SimpleListFilter):
    """The district the row's school belongs to today."""

    title = _("district")
    parameter_name = "district"
    school_path = "school"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, Any]]:
        return [(d.pk, d.name) for d in SupervisoryDistrict.objects.order_by("number")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if not self.value():
            return queryset
        schools = DistrictMembership.objects.active_on().filter(district_id=self.value()).values("school_id")
        return queryset.filter(**{f"{self.school_path}__in": schools})


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        overdue = Rectification.objects.overdue().values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=overdue)
        if self.value() == "no":
            return queryset.exclude(pk__in=overdue)
        return queryset


@admin.register(Visit)
class VisitAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "school", "kind", "mode", "submitted_by", "submitted_at")
    list_filter = ("kind", "mode", DistrictOfSchoolFilter, "date")
    search_fields = ("school__name", "school__code", "findings", "supervisors__name", "submitted_by__full_name")
    date_hierarchy = "date"
    list_select_related = ("school", "submitted_by")
    readonly_fields = (
        "client_id",
        "school",
        "date",
        "kind",
        "mode",
        "methods",
        "supervisors",
        "findings",
        "checked_rectifications",
        "submitted_by",
        "submitted_at",
        "updated_at",
    )
    fields = readonly_fields
    inlines = [VisitItemResultInline, VisitPhotoInline, VisitAmendmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
