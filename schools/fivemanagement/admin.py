from __future__ import annotations

from django.contrib import admin

from jianfu.admin_mixins import SchoolScopedAdminMixin
from schools.models import FiveManagementRecord


@admin.register(FiveManagementRecord)
class FiveManagementRecordAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "school",
        "semester",
        "phone_policy",
        "reading_list_reviewed",
        "long_break_daily",
        "pe_hour_in_school",
    )
    list_filter = ("semester", "phone_policy", "reading_list_reviewed", "long_break_daily", "pe_hour_in_school")
    search_fields = ("school__name", "school__code")
    list_select_related = ("school", "semester__school_year")
