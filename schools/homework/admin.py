from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from jianfu.admin_mixins import SchoolScopedAdminMixin
from schools.models import HomeworkDay, SchoolClass


@admin.register(SchoolClass)
class SchoolClassAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("school", "grade", "number", "active")
    list_filter = ("grade", "active")
    search_fields = ("school__name", "school__code")
    autocomplete_fields = ("school",)


@admin.register(HomeworkDay)
class HomeworkDayAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    # Read only: totals are recomputed from the items by the services, and
    # the items are entered on the school's own pages.
    list_display = ("date", "school", "school_class", "written_minutes", "total_minutes", "item_count")
    list_filter = ("grade",)
    date_hierarchy = "date"
    search_fields = ("school__name", "school__code")
    list_select_related = ("school", "school_class")
    readonly_fields = ("school", "school_class", "grade", "date", "written_minutes", "total_minutes", "item_count")
    show_full_result_count = False  # millions of rows at city scale

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
