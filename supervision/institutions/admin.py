"""Admin pages of the institutions subject. The register's data and fees
may be corrected here; the status, the list entries' publication and the
campaign outcomes change only on the bureau's pages, through the services
(so every change has its event), and are read-only here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from supervision.models import (
    FeeStandard,
    InstitutionEvent,
    InstitutionInspection,
    ListEntry,
    ReviewCampaign,
    ReviewOutcome,
    TrainingInstitution,
)

from .checks import (
    normalize_phone,
    validate_contact_phone,
    validate_fee_approved,
    validate_licence_issued,
    validate_listed_on,
)
from .credit_code import normalize_credit_code, validate_credit_code


class FeeAdminForm(forms.ModelForm):
    class Meta:
        model = FeeStandard
        fields = ("course", "unit", "amount", "approved_on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rules of the bureau's pages (checks.py), here too.
        self.fields["approved_on"].validators.append(validate_fee_approved)


class FeeInline(admin.TabularInline):
    model = FeeStandard
    form = FeeAdminForm
    extra = 0


class EventInline(admin.TabularInline):
    model = InstitutionEvent
    extra = 0
    readonly_fields = ("from_status", "to_status", "by", "at", "reason")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[InstitutionEvent]:
        # Each row's title names its institution (InstitutionEvent.__str__).
        return super().get_queryset(request).select_related("institution", "by")


class TrainingInstitutionAdminForm(forms.ModelForm):
    class Meta:
        model = TrainingInstitution
        # Everything but the status, which changes only through the services.
        fields = (
            "name",
            "credit_code",
            "address",
            "district",
            "kind",
            "licence_number",
            "licence_issued_on",
            "licence_expires_on",
            "insurance_policy",
            "insurance_expires_on",
            "premises",
            "premises_area",
            "capacity",
            "contact_phone",
            "internal_note",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The rules of the bureau's pages (checks.py), here too.
        self.fields["licence_issued_on"].validators.append(validate_licence_issued)
        self.fields["contact_phone"].validators.append(validate_contact_phone)

    def clean_credit_code(self) -> str:
        code = normalize_credit_code(self.cleaned_data.get("credit_code") or "")
        validate_credit_code(code)
        return code

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("contact_phone") or "")


class ListEntryAdminForm(forms.ModelForm):
    class Meta:
        model = ListEntry
        fields = ("institution", "kind", "listed_on", "reason", "internal_note", "removal_reason")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["listed_on"].validators.append(validate_listed_on)


@admin.register(TrainingInstitution)
class TrainingInstitutionAdmin(admin.ModelAdmin):
    form = TrainingInstitutionAdminForm
    list_display = ("name", "credit_code", "kind", "status", "district", "insurance_expires_on")
    list_filter = ("kind", "status", "district")
    search_fields = ("name", "credit_code", "address")
    readonly_fields = ("status", "status_since", "created_at", "updated_at")
    inlines = [FeeInline, EventInline]
    list_select_related = ("district",)


@admin.register(ReviewCampaign)
class ReviewCampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "started_on", "closed_on")
    search_fields = ("name",)
    readonly_fields = ("closed_on", "created_by")


@admin.register(ReviewOutcome)
class ReviewOutcomeAdmin(admin.ModelAdmin):
    list_display = ("campaign", "institution", "outcome", "decided_on")
    list_filter = ("campaign", "outcome")
    search_fields = ("institution__name",)
    list_select_related = ("campaign", "institution")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ListEntry)
class ListEntryAdmin(admin.ModelAdmin):
    form = ListEntryAdminForm
    list_display = ("institution", "kind", "listed_on", "published", "removed_on")
    list_filter = ("kind", "published")
    search_fields = ("institution__name",)
    list_select_related = ("institution",)
    readonly_fields = ("published", "published_at", "removed_on", "by")


@admin.register(InstitutionInspection)
class InstitutionInspectionAdmin(admin.ModelAdmin):
    list_display = ("institution", "date", "result", "inspectors")
    list_filter = ("result",)
    search_fields = ("institution__name", "findings")
    list_select_related = ("institution",)
