from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jianfu.admin_mixins import SchoolScopedAdminMixin

from .models import EducationGroup, GradeEnrolment, School, SchoolYear, Semester


class GradeEnrolmentInline(admin.TabularInline):
    model = GradeEnrolment
    extra = 0
    max_num = 9


@admin.register(School)
class SchoolAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    school_path = ""
    list_display = ("code", "name", "school_type", "ownership", "town", "principal_name", "group", "active")
    list_filter = ("school_type", "ownership", "active", "town", "group")
    search_fields = ("code", "name", "principal_name", "town", "address")
    autocomplete_fields = ("group",)
    inlines = [GradeEnrolmentInline]
    fieldsets = (
        (None, {"fields": ("code", "name", "school_type", "ownership", "active")}),
        (_("Location and contact"), {"fields": ("town", "address", "principal_name", "phone")}),
        (_("Education group"), {"fields": ("group",)}),
    )


@admin.register(EducationGroup)
class EducationGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "lead_school")
    search_fields = ("name", "lead_school__name")
    autocomplete_fields = ("lead_school",)


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


# The admin pages of pledges and self-checks, and of the school records,
# register themselves when imported; after the register's own pages.
from . import admin_filings, admin_records  # noqa: E402, F401
