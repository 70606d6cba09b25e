"""Admin pages for the data bureau staff keep for complaints: categories,
reply templates, the working-day calendar; and the read-only record of who
saw a complainant's identity. Cases themselves are handled on the bureau's
case pages, where every change goes through the workflow's services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from supervision.complaints.selectors import calendar_missing_next_year

from ..models import CalendarDay, ComplainantIdentityView, ComplaintCategory, ComplaintReplyTemplate


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "weight", "order", "active")
    list_editable = ("weight", "order", "active")
    list_filter = ("active",)
    search_fields = ("name", "description")


@admin.register(ComplaintReplyTemplate)
class ComplaintReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "order", "active")
    list_editable = ("order", "active")
    search_fields = ("title", "body")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind", "name")
    date_hierarchy = "date"
    search_fields = ("name",)
    ordering = ("-date",)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        span = CalendarDay.objects.aggregate(first=Min("date"), last=Max("date"))
        missing = calendar_missing_next_year()
        if missing:
            messages.warning(
                request,
                gettext("The calendar has no entry for %(year)s yet: add its holidays and adjusted working days.")
                % {"year": missing},
            )
        return super().changelist_view(request, {**(extra_context or {}), "calendar_span": span})


@admin.register(ComplainantIdentityView)
class ComplainantIdentityViewAdmin(admin.ModelAdmin):
    list_display = ("at", "by", "case", "reason")
    list_filter = ("by",)
    date_hierarchy = "at"
    search_fields = ("case__number", "by__username", "by__full_name")
    list_select_related = ("by", "case")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
