from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jianfu.admin_mixins import SchoolScopedAdminMixin
from jianfu.uploads import reencode_image

from .models import (
    DistrictMembership,
    OverdueDigest,
    Rectification,
    RectificationAnswer,
    RectificationEvent,
    SupervisionItem,
    Supervisor,
    SupervisorAssignment,
    SupervisoryDistrict,
    Visit,
    VisitAmendment,
    VisitItemResult,
    VisitPhoto,
)
from .selectors import district_loads, overloaded_supervisors


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


@admin.register(SupervisionItem)
class SupervisionItemAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "parent", "order", "active")
    list_filter = ("active", "parent")
    search_fields = ("code", "title", "guidance")
    list_editable = ("order", "active")
    autocomplete_fields = ("parent",)


# --- Visits and rectifications (issue 3) ------------------------------------------------
# Submitted visits are locked and demands move only through their services, so
# the admin shows them read-only: searchable, filterable and scoped.


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


class RectificationEventInline(ReadOnlyInline):
    model = RectificationEvent
    fields = ("at", "action", "from_status", "to_status", "by", "note", "visit")
    readonly_fields = fields


class RectificationAnswerInline(ReadOnlyInline):
    model = RectificationAnswer
    fields = ("at", "by", "plan")
    readonly_fields = fields


@admin.register(Rectification)
class RectificationAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "school", "status", "deadline", "is_overdue_display", "raised_by", "raised_at")
    list_filter = ("status", OverdueFilter, DistrictOfSchoolFilter, "deadline")
    search_fields = ("title", "description", "source_note", "school__name", "school__code")
    date_hierarchy = "deadline"
    list_select_related = ("school", "raised_by")
    readonly_fields = (
        "school",
        "visit",
        "visit_item",
        "title",
        "description",
        "deadline",
        "status",
        "source_note",
        "raised_by",
        "raised_at",
        "closed_by",
        "closed_at",
    )
    fields = readonly_fields
    inlines = [RectificationAnswerInline, RectificationEventInline]

    @admin.display(boolean=True, description=_("overdue"))
    def is_overdue_display(self, obj: Rectification) -> bool:
        return obj.is_overdue

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OverdueDigest)
class OverdueDigestAdmin(admin.ModelAdmin):
    list_display = ("day", "sent_at", "rectification_count", "recipient_count")
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The complaint data kept by bureau staff (categories, reply templates, the
# working-day calendar) is registered in its own module.
from .complaints import admin as complaints_admin  # noqa: E402, F401
from .surveys import admin as surveys_admin  # noqa: E402, F401
