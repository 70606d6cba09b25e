from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from jianfu.admin_mixins import SchoolScopedAdminMixin
from schools.models import EducationGroup, GradeEnrolment, School


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
