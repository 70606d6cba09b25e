from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from jianfu.admin_mixins import SchoolScopedAdminMixin
from schools.models import (
    PledgeReminder,
    PledgeText,
    SchoolPledge,
)
from schools.pledges.services import pledge_text_publish


@admin.register(PledgeText)
class PledgeTextAdmin(admin.ModelAdmin):
    list_display = ("school_year", "version", "title", "bureau_signatory", "created_at", "created_by")
    list_filter = ("school_year",)
    search_fields = ("title", "body")
    fields = ("school_year", "title", "body", "bureau_signatory", "version", "created_by", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A published version is never edited: schools signed exactly that text.
        if obj is not None:
            return self.fields
        return ("version", "created_by", "created_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        published = pledge_text_publish(
            school_year=obj.school_year,
            title=obj.title,
            body=obj.body,
            bureau_signatory=obj.bureau_signatory,
            by=request.user,
        )
        obj.pk = published.pk
        obj.version = published.version


class SignedFilter(admin.SimpleListFilter):
    title = _("signed")
    parameter_name = "signed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Signed")), ("no", _("Not signed"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(signed_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(signed_on__isnull=True)
        return queryset


@admin.register(SchoolPledge)
class SchoolPledgeAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("school", "school_year", "signed_on", "text", "teacher_pledge_count", "teacher_count")
    list_filter = ("school_year", SignedFilter)
    search_fields = ("school__name", "school__code", "principal_signatory", "bureau_signatory")
    list_select_related = ("school", "school_year", "text")
    readonly_fields = (
        "school",
        "school_year",
        "text",
        "signed_on",
        "principal_signatory",
        "bureau_signatory",
        "signature_recorded_by",
        "signature_recorded_at",
        "scan_content_type",
        "scan_uploaded_by",
        "scan_uploaded_at",
        "teacher_count",
        "teacher_pledge_count",
        "teacher_pledges_updated_at",
        "commitment",
        "commitment_updated_by",
        "commitment_updated_at",
    )
    exclude = ("scan",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PledgeReminder)
class PledgeReminderAdmin(SchoolScopedAdminMixin, admin.ModelAdmin):
    list_display = ("school", "school_year", "queued_at", "sent_at", "sent_by")
    list_filter = ("school_year",)
    search_fields = ("school__name", "recipients")
    list_select_related = ("school", "school_year", "sent_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
