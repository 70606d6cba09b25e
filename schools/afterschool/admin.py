from __future__ import annotations

from django.contrib import admin

from jianfu.admin_mixins import SchoolScopedAdminMixin
from schools.models import AfterSchoolDay, AfterSchoolPlan


@admin.register(AfterSchoolPlan)
class AfterSchoolPlanAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("school", "semester", "start_time", "end_time", "fee_policy", "three_nos_declared")
    list_filter = ("semester", "fee_policy", "three_nos_declared")
    search_fields = ("school__name", "school__code")
    list_select_related = ("school", "semester__school_year")


@admin.register(AfterSchoolDay)
class AfterSchoolDayAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "school", "held", "start_time", "end_time", "pupils_requested", "pupils_attended")
    list_filter = ("held", "no_school")
    date_hierarchy = "date"
    search_fields = ("school__name", "school__code")
    list_select_related = ("school",)
