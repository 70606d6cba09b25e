from __future__ import annotations

from django.contrib import admin

from schools.models import SchoolYear, Semester


class SemesterInline(admin.TabularInline):
    model = Semester
    extra = 0
    max_num = 2


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ("name", "start_date", "end_date")
    date_hierarchy = "start_date"
    inlines = [SemesterInline]


@admin.register(Semester)
class SemesterAdmin(admin.ModelAdmin):
    list_display = ("__str__", "start_date", "end_date")
    list_filter = ("school_year", "term")
    date_hierarchy = "start_date"
