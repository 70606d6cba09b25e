from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.admin_mixins import SchoolScopedAdminMixin
from jianfu.uploads import reencode_image
from supervision.districts.selectors import district_loads, overloaded_supervisors
from supervision.models import (
    DistrictMembership,
    Supervisor,
    SupervisorAssignment,
    SupervisoryDistrict,
)


class CurrentFilter(admin.SimpleListFilter):
    title = _("in force")
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("In force today")), ("no", _("Ended"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.active_on()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.active_on().values("pk"))
        return queryset


def warn_about_loads(request: HttpRequest) -> None:
    """The national rule's limits are advice, not constraints: save, then warn."""
    for load in district_loads(user=request.user):
        if load.too_many_schools:
            messages.warning(
                request,
                gettext("District %(district)s now has %(n)s schools, more than %(max)s.")
                % {"district": load.district.name, "n": load.school_count, "max": load.limit},
            )
    for sup, school_load in overloaded_supervisors():
        messages.warning(
            request,
            gettext("Supervisor %(name)s is now responsible for %(n)s schools, far more than the recommended five.")
            % {"name": sup.name, "n": school_load},
        )


class MembershipInline(admin.TabularInline):
    model = DistrictMembership
    extra = 0
    autocomplete_fields = ("school",)


class AssignmentInline(admin.TabularInline):
    model = SupervisorAssignment
    extra = 0
    autocomplete_fields = ("supervisor", "district")


@admin.register(SupervisoryDistrict)
class SupervisoryDistrictAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "active")
    list_filter = ("active",)
    search_fields = ("name",)
    inlines = [MembershipInline, AssignmentInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        warn_about_loads(request)


@admin.register(DistrictMembership)
class DistrictMembershipAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("school", "district", "start_date", "end_date")
    list_filter = (CurrentFilter, "district")
    search_fields = ("school__name", "school__code", "district__name")
    autocomplete_fields = ("school", "district")
    date_hierarchy = "start_date"
    list_select_related = ("school", "district")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        warn_about_loads(request)


class SupervisorForm(forms.ModelForm):
    class Meta:
        model = Supervisor
        fields = [
            "user",
            "name",
            "kind",
            "phone",
            "photo",
            "employer",
            "position",
            "term_start",
            "term_end",
            "active",
        ]

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        # Only a newly uploaded file has content_type; a kept photo is left alone.
        if photo and hasattr(photo, "content_type"):
            return reencode_image(photo, max_side=600)
        return photo


@admin.register(Supervisor)
class SupervisorAdmin(admin.ModelAdmin):
    form = SupervisorForm
    list_display = ("name", "kind", "phone", "employer", "term_start", "term_end", "active", "user")
    list_filter = ("kind", "active", "term_start")
    search_fields = ("name", "phone", "employer", "user__username")
    autocomplete_fields = ("user",)
    inlines = [AssignmentInline]


@admin.register(SupervisorAssignment)
class SupervisorAssignmentAdmin(admin.ModelAdmin):
    list_display = ("supervisor", "district", "is_leader", "start_date", "end_date")
    list_filter = (CurrentFilter, "district", "supervisor__kind", "is_leader")
    search_fields = ("supervisor__name", "district__name")
    autocomplete_fields = ("supervisor", "district")
    date_hierarchy = "start_date"
    list_select_related = ("supervisor", "district")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        warn_about_loads(request)
